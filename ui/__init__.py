"""Shared Streamlit and Plotly plumbing: URL state, language, plot theme, the page frame."""

# pandas is imported here, before anything touches plotly. Plotly looks pandas up in sys.modules
# without importing it; when twenty sessions start at once on a fresh server, one script thread
# can still be importing pandas while another's plotly call finds it half initialised
# ("partially initialized module 'pandas' has no attribute 'Series'", seen under load). An
# import statement waits for an import in progress on another thread; a sys.modules lookup
# does not.
import pandas  # noqa: F401

from ui.heavy import limit_blas_threads
from ui.memory import return_big_blocks

return_big_blocks()
limit_blas_threads()  # every page imports ui first: the limit holds from the first page run on
