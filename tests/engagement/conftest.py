from tests.report.conftest import acme, db, store  # noqa: F401  (the same real store and community)
