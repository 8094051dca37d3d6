"""A stand-in for torch, so that imwatermark (invisible-watermark 0.2.0) can be imported.

imwatermark imports torch at module level only for its RivaGAN method, which Vigil's
oracle never uses; any use of this stub raises. Only the oracle scripts put this
directory on sys.path.
"""


def __getattr__(name):
    raise ImportError(f"torch is stubbed in Vigil's oracle; torch.{name} is unavailable (RivaGAN is not used)")
