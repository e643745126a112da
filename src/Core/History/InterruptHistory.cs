using System.Globalization;
using Dapper;
using Passthru.Core.Interrupts;
using Passthru.Core.Pci;

namespace Passthru.Core.History;

/// <summary>A device's interrupt rate over one minute of the stored history.</summary>
public sealed record InterruptMinute(PciAddress Address, DateTimeOffset Minute, double PerSecond);

/// <summary>
/// Interrupts per device per minute in SQLite, kept for <see cref="Retention"/>: what the live
/// sampler shows for the open page's lifetime, this keeps for hours and days.
/// </summary>
public sealed class InterruptHistory(HistoryDatabase database, TimeSpan retention)
{
    public TimeSpan Retention => retention;

    /// <summary>
    /// Adds a tally's per-device counts and seconds to the minute it ended in, in one transaction, and
    /// drops minutes older than the retention. A tally that spans a minute boundary is counted in the
    /// minute it ended in: at one write a minute the chart's resolution, not a precision, is lost.
    /// </summary>
    public Task AppendAsync(InterruptTally tally, CancellationToken cancellationToken = default)
    {
        if (tally.Devices.Count == 0)
        {
            return Task.CompletedTask;
        }

        var minute = Minute(tally.End);
        var cutoff = Minute(tally.End - retention);
        return database.RunAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (address, counted) in tally.Devices)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO interrupt_minutes (address, minute, count, seconds) VALUES (@address, @minute, @count, @seconds)
                    ON CONFLICT (address, minute) DO UPDATE SET
                        count   = interrupt_minutes.count + excluded.count,
                        seconds = interrupt_minutes.seconds + excluded.seconds
                    """, new { address = address.ToString(), minute, count = (long)Math.Min(counted.Count, long.MaxValue), seconds = counted.Elapsed.TotalSeconds }, transaction);
            }

            await connection.ExecuteAsync("DELETE FROM interrupt_minutes WHERE minute < @cutoff", new { cutoff }, transaction);
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }, cancellationToken);
    }

    /// <summary>The stored minutes of these devices since <paramref name="since"/>, oldest first.</summary>
    public Task<IReadOnlyList<InterruptMinute>> ReadAsync(IReadOnlyCollection<PciAddress> addresses, DateTimeOffset since, CancellationToken cancellationToken = default)
        => database.RunAsync<IReadOnlyList<InterruptMinute>>(async connection =>
        {
            var rows = await connection.QueryAsync<(string Address, string Minute, long Count, double Seconds)>(new CommandDefinition("""
                SELECT address, minute, count, seconds FROM interrupt_minutes
                WHERE address IN @addresses AND minute >= @since
                ORDER BY minute
                """, new { addresses = addresses.Select(a => a.ToString()).ToArray(), since = Minute(since) }, cancellationToken: cancellationToken));
            return rows.Select(r => new InterruptMinute(
                PciAddress.Parse(r.Address),
                DateTimeOffset.Parse(r.Minute, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                r.Seconds > 0 ? r.Count / r.Seconds : 0)).ToArray();
        }, cancellationToken);

    private static string Minute(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
    }
}
