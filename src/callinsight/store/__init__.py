"""The store: SQLAlchemy tables, migrations, and the repository the pipeline writes through."""

from callinsight.store.engine import open_engine
from callinsight.store.repository import Store

__all__ = ["Store", "open_engine"]
