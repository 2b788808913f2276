"""shinmun-hf: a fast static blog generator with a browser-only "Sign in with Hugging Face"."""

__version__ = "0.1.0"

__all__ = ["__version__"]
