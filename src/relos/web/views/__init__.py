"""One module of page routes per feature; each exposes an APIRouter named `router`."""
