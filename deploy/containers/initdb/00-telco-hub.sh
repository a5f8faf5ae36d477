#!/bin/bash
# First start of the compose PostgreSQL: the four databases as the embedded default has them
# (SystemDatabases): crm, billing, customerdb from the system schemas with the hub_integration
# role and exactly the contracts' grants, and hub owned by hub_owner (which runs the hub's
# migrations and owns its tables); the hub itself runs as hub_app, which owns nothing there and
# gets its privileges from the migrations (deploy/README.md, Database roles).
set -euo pipefail
psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER")
"${psql[@]}" -c "CREATE ROLE hub_owner LOGIN PASSWORD '$(cat /run/secrets/hub-owner-password)'"
"${psql[@]}" -c "CREATE ROLE hub_app LOGIN PASSWORD '$(cat /run/secrets/hub-app-password)'"
"${psql[@]}" -c "CREATE ROLE hub_integration LOGIN PASSWORD '$(cat /run/secrets/hub-integration-password)'"
# deletes sealed audit segments older than the retention, nothing else (telco-hub-audit-maintenance)
"${psql[@]}" -c "CREATE ROLE hub_audit_maintenance LOGIN PASSWORD '$(cat /run/secrets/hub-audit-maintenance-password)'"
for db in crm billing customerdb; do
  "${psql[@]}" -c "CREATE DATABASE $db"
  "${psql[@]}" -d "$db" -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC"
  "${psql[@]}" -d "$db" -f "/systems/$db.sql"
done
"${psql[@]}" -c "CREATE DATABASE hub OWNER hub_owner"
"${psql[@]}" -d hub -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC"
