class ImportRefused(Exception):
    """The import cannot proceed at all (an unreadable file, a missing column, an option the
    account may not use); `message` tells the user what to do. Nothing is written."""

    def __init__(self, message, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


def refused(code: str, message, **values) -> ImportRefused:
    """An ImportRefused saying `message`, with `values` put in."""
    return ImportRefused(message % values if values else message, code)
