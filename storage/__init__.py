"""SQLAlchemy tables, repositories and Alembic migrations; implements the stores incidents/ defines."""
