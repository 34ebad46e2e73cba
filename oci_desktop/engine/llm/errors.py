"""The one error the refine loop catches from any model backend, whichever kind failed."""


class BackendError(RuntimeError):
    """The model could not answer (its process died, the endpoint failed...); the message says why."""
