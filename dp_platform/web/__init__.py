"""Server-rendered pages for people (the API is under ``dp_platform.api``): a second door onto the
same workflows, authorised through the same policy, rendered with the Scottish Government Design System."""
