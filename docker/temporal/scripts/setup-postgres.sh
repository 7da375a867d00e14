#!/bin/sh
# Create and migrate Temporal's two schemas on PostgreSQL (runs once, in temporalio/admin-tools).
# temporal-sql-tool reads the password from SQL_PASSWORD.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" \
    -p "$DB_PORT" --db "$db" "$@"
}

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$SCHEMA_DIR/temporal/versioned" ;;
    *) dir="$SCHEMA_DIR/visibility/versioned" ;;
  esac
  if ! out=$(sql create 2>&1); then
    case "$out" in
      *"already exists"*) echo "database $db already exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  sql setup-schema -v 0.0
  sql update-schema -d "$dir"
done
echo "temporal schemas ready"
