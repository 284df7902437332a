"""cluster centroids as float32 bytes; indexes for incremental clustering

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:20:00
"""

from __future__ import annotations

import json

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _vector(value) -> list[float]:
    # SQLite hands JSON back as text; PostgreSQL's driver has already parsed it.
    return json.loads(value) if isinstance(value, str | bytes) else value


def upgrade() -> None:
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centroid_f32", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, centroid FROM clusters WHERE centroid IS NOT NULL"))
    for cluster_id, centroid in rows.all():
        conn.execute(
            sa.text("UPDATE clusters SET centroid_f32 = :v WHERE id = :i"),
            {"v": np.asarray(_vector(centroid), np.float32).tobytes(), "i": cluster_id},
        )
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_column("centroid")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index("ix_findings_kind_cluster", ["kind", "cluster_id"], unique=False)
        batch_op.create_index("ix_findings_kind_score", ["kind", "cluster_score"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_kind_score")
        batch_op.drop_index("ix_findings_kind_cluster")
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centroid", sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, centroid_f32 FROM clusters"))
    for cluster_id, blob in rows.all():
        if blob is not None:
            vector = np.frombuffer(blob, np.float32).round(6).tolist()
            conn.execute(
                sa.text("UPDATE clusters SET centroid = :v WHERE id = :i"),
                {"v": json.dumps(vector), "i": cluster_id},
            )
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_column("centroid_f32")
