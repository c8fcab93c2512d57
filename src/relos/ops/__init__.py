"""Operations: readiness, metrics, logs, backups and the server's processes."""
