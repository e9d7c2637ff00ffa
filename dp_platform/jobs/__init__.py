"""Long work started from a page (a bureau's payroll for all its clients) and followed on a page."""
