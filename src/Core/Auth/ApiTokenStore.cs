using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Passthru.Core.History;
using Passthru.Core.Host;

namespace Passthru.Core.Auth;

/// <summary>An API token as listed: never its secret, which only its maker saw, once.</summary>
public sealed record ApiToken(long Id, string Name, string Owner, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A token just made: <see cref="Secret"/> is shown to its maker once and kept nowhere.</summary>
public sealed record NewApiToken(ApiToken Token, string Secret);

/// <summary>
/// Tokens for scripts, kept in the history database as SHA-256 hashes. A token is 32 random bytes, so
/// a fast hash is enough: there is no dictionary to try. Making and revoking one is journaled.
/// </summary>
public sealed class ApiTokenStore(HistoryDatabase database, OperationJournal journal, TimeProvider time)
{
    public const string Prefix = "ptk_";
    public const int MaxNameLength = 64;

    /// <summary>Raised with a token's id once it is revoked, so streams it opened can be ended at once.</summary>
    public event Action<long>? Revoked;

    /// <summary>Last-used times are written at most this often per token, so a busy script does not write on every call.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <exception cref="ArgumentException">The name is empty, too long, has control characters or line breaks, or a live token has it.</exception>
    public async Task<NewApiToken> CreateAsync(string name, Actor maker, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength || !PrintableText.IsPrintable(name))
        {
            throw new ArgumentException($"A token's name is 1 to {MaxNameLength} printable characters.", nameof(name));
        }

        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var operation = await journal.BeginAsync(maker, OperationAction.CreateToken, name, false, [], cancellationToken);
        try
        {
            var token = await database.RunAsync(connection => connection.QuerySingleAsync<TokenRow>("""
                INSERT INTO api_tokens (name, secret_hash, owner, created_at) VALUES (@name, @hash, @owner, @createdAt)
                RETURNING id, name, owner, created_at AS CreatedAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt, revoked_by AS RevokedBy
                """, new { name, hash = Hash(secret), owner = maker.Name, createdAt = Now() }), cancellationToken);
            await journal.FinishAsync(operation, OperationStatus.Succeeded, $"token {name} made for {maker.Name}", OperationJournal.NoDevices, cancellationToken);
            return new NewApiToken(token.ToToken(), secret);
        }
        catch (HistoryUnavailableException ex) when (ex.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 })
        {
            // SQLITE_CONSTRAINT: the live-name index.
            await journal.FinishAsync(operation, OperationStatus.Refused, $"a live token is already named {name}", OperationJournal.NoDevices, cancellationToken);
            throw new ArgumentException($"A token named {name} exists already. Revoke it first, or pick another name.", nameof(name), ex);
        }
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken = default)
        => await database.RunAsync(async connection => (IReadOnlyList<ApiToken>)(await connection.QueryAsync<TokenRow>("""
            SELECT id, name, owner, created_at AS CreatedAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt, revoked_by AS RevokedBy
            FROM api_tokens ORDER BY revoked_at IS NOT NULL, id DESC
            """)).Select(row => row.ToToken()).ToArray(), cancellationToken);

    /// <returns>False when there is no such live token.</returns>
    public async Task<bool> RevokeAsync(long id, Actor revoker, CancellationToken cancellationToken = default)
    {
        var name = await database.RunAsync(connection => connection.ExecuteScalarAsync<string?>(
            "SELECT name FROM api_tokens WHERE id = @id AND revoked_at IS NULL", new { id }), cancellationToken);
        if (name is null)
        {
            return false;
        }

        var operation = await journal.BeginAsync(revoker, OperationAction.RevokeToken, name, false, [], cancellationToken);
        await database.RunAsync(connection => connection.ExecuteAsync(
            "UPDATE api_tokens SET revoked_at = @now, revoked_by = @by WHERE id = @id AND revoked_at IS NULL",
            new { id, now = Now(), by = revoker.Name }), cancellationToken);
        await journal.FinishAsync(operation, OperationStatus.Succeeded, $"token {name} revoked", OperationJournal.NoDevices, cancellationToken);
        Revoked?.Invoke(id);
        return true;
    }

    /// <summary>Whether the token with this id exists and is not revoked.</summary>
    public async Task<bool> IsLiveAsync(long id, CancellationToken cancellationToken = default)
        => await database.RunAsync(connection => connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM api_tokens WHERE id = @id AND revoked_at IS NULL)", new { id }), cancellationToken);

    /// <summary>The live token with this secret, or null; notes that it was used.</summary>
    public async Task<ApiToken?> FindAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return null;
        }

        var row = await database.RunAsync(connection => connection.QuerySingleOrDefaultAsync<TokenRow>("""
            SELECT id, name, owner, created_at AS CreatedAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt, revoked_by AS RevokedBy
            FROM api_tokens WHERE secret_hash = @hash AND revoked_at IS NULL
            """, new { hash = Hash(secret) }), cancellationToken);
        var token = row?.ToToken();
        if (token is not null && (token.LastUsedAt is null || time.GetUtcNow() - token.LastUsedAt >= LastUsedResolution))
        {
            await database.RunAsync(connection => connection.ExecuteAsync(
                "UPDATE api_tokens SET last_used_at = @now WHERE id = @id", new { id = token.Id, now = Now() }), cancellationToken);
        }

        return token;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private string Now() => time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private sealed record TokenRow(long Id, string Name, string Owner, string CreatedAt, string? LastUsedAt, string? RevokedAt, string? RevokedBy)
    {
        public ApiToken ToToken() => new(Id, Name, Owner, Parse(CreatedAt)!.Value, Parse(LastUsedAt), Parse(RevokedAt), RevokedBy);

        private static DateTimeOffset? Parse(string? text) => text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }
}
