using Dapper;
using Microsoft.Data.Sqlite;

namespace Passthru.Core.History;

/// <summary>
/// The schema as ordered, named steps. Each runs once, in a transaction, and is recorded in
/// <c>schema_migrations</c>; a database from a newer Passthru (a version above the last step) is refused.
/// </summary>
internal static class Migrations
{
    private static readonly (int Version, string Name, string Sql)[] Steps =
    [
        (1, "operation journal and device inventory", """
            CREATE TABLE operations (
                id            INTEGER PRIMARY KEY,
                started_at    TEXT    NOT NULL,          -- ISO 8601, UTC
                finished_at   TEXT,
                actor         TEXT    NOT NULL,          -- remote address for now; users with authentication
                action        TEXT    NOT NULL,          -- detach | reattach
                target        TEXT    NOT NULL,          -- a device address, or "group N"
                forced        INTEGER NOT NULL DEFAULT 0,
                status        TEXT    NOT NULL,          -- pending until the outcome is written
                message       TEXT
            );
            CREATE INDEX operations_status ON operations (status);
            CREATE TABLE operation_devices (
                operation_id  INTEGER NOT NULL REFERENCES operations (id),
                address       TEXT    NOT NULL,
                vendor_id     TEXT,
                device_id     TEXT,
                iommu_group   INTEGER,
                driver_before TEXT,
                driver_after  TEXT,
                PRIMARY KEY (operation_id, address)
            );
            CREATE INDEX operation_devices_address ON operation_devices (address);
            CREATE TABLE inventory (
                address       TEXT PRIMARY KEY,
                ids           TEXT NOT NULL,             -- vendor:device subsystem_vendor:subsystem_device class
                first_seen    TEXT NOT NULL,
                last_seen     TEXT NOT NULL,
                previous_ids  TEXT,                      -- what this address held before the card changed
                changed_at    TEXT
            );
            """),
        (2, "interrupt history per minute", """
            -- What each device raised, summed per minute, so charts cover hours and days at a few rows
            -- per device per hour, not one row per sample.
            CREATE TABLE interrupt_minutes (
                address   TEXT    NOT NULL,              -- the PCI function the rows were mapped to
                minute    TEXT    NOT NULL,              -- ISO 8601, UTC, the minute's start
                count     INTEGER NOT NULL,              -- interrupts counted in that minute
                seconds   REAL    NOT NULL,              -- how much of the minute was observed
                PRIMARY KEY (address, minute)
            );
            CREATE INDEX interrupt_minutes_minute ON interrupt_minutes (minute);
            """),
        (3, "guest operations", """
            -- Attach to and detach from libvirt guests are operations too: which guest, and how.
            ALTER TABLE operations ADD COLUMN guest TEXT;   -- the libvirt domain's name
            ALTER TABLE operations ADD COLUMN mode  TEXT;   -- e.g. "persistent+live, managed"
            """),
        (4, "logins: remote address per operation, API tokens", """
            -- With logins the actor is a user or a token; where the request came from is kept beside it.
            ALTER TABLE operations ADD COLUMN remote_address TEXT;
            CREATE TABLE api_tokens (
                id            INTEGER PRIMARY KEY,
                name          TEXT NOT NULL,
                secret_hash   TEXT NOT NULL UNIQUE,      -- SHA-256 of the token, hex: the token is shown once, never stored
                owner         TEXT NOT NULL,             -- the user who made it; the token acts with that user's standing
                created_at    TEXT NOT NULL,
                last_used_at  TEXT,
                revoked_at    TEXT,
                revoked_by    TEXT
            );
            CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;
            """),
        (5, "what a forced change overrode", """
            -- A forced change keeps the refusals it overrode and the fingerprint of the plan they were in.
            ALTER TABLE operations ADD COLUMN overridden       TEXT;   -- the refusals' reasons, one per line
            ALTER TABLE operations ADD COLUMN plan_fingerprint TEXT;   -- PlanFingerprint of the plan that was run
            """),
        (6, "boot checks", """
            -- The boots whose claims were checked: a boot's findings go to the history once, however often Passthru starts.
            CREATE TABLE boot_checks (
                boot_id       TEXT PRIMARY KEY,          -- /proc/sys/kernel/random/boot_id
                checked_at    TEXT NOT NULL,
                operation_id  INTEGER                    -- the BootCheck operation written for it, if any
            );
            """),
        (7, "subsystem ids per device", """
            -- Two cards of one model differ in their subsystem ids: kept so that a guest's start can tell
            -- the card it was given from another of the same model put in its place.
            ALTER TABLE operation_devices ADD COLUMN subsystem_vendor_id TEXT;
            ALTER TABLE operation_devices ADD COLUMN subsystem_device_id TEXT;
            """),
    ];

    public static int LatestVersion => Steps[^1].Version;

    public static async Task ApplyAsync(SqliteConnection connection)
    {
        await connection.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            );
            """);
        var current = await connection.ExecuteScalarAsync<int?>("SELECT MAX(version) FROM schema_migrations") ?? 0;
        if (current > LatestVersion)
        {
            throw new HistoryUnavailableException(
                $"The history database has schema version {current}, newer than this Passthru knows ({LatestVersion}). Use the newer Passthru, or another database file.");
        }

        foreach (var (version, name, sql) in Steps.Where(s => s.Version > current))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(sql, transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt)",
                new { version, name, appliedAt = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
                transaction);
            await transaction.CommitAsync();
        }
    }
}
