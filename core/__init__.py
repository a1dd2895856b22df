"""Pure-NumPy computations behind Gradient Notes (no Streamlit, no plotting)."""
