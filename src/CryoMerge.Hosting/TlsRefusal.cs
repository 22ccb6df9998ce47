using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using CryoMerge.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Messaging;

namespace CryoMerge.Hosting;

/// <summary>
/// Says in one sentence why a cluster turns this member away over TLS, or that TLS is not the reason. Orleans only
/// sees a closed connection; this asks the membership store for the gateways and tries a TLS handshake with one of
/// them: does it speak TLS, does it want a certificate, do we trust its certificate, does it accept ours.
/// </summary>
public static class TlsRefusal
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a server that completed the handshake has to close the connection if it refuses us.</summary>
    private static readonly TimeSpan VerdictWait = TimeSpan.FromSeconds(2);

    /// <summary>A client that has not connected after this long asks whether TLS is the reason.</summary>
    private static readonly TimeSpan EarlyProbe = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The reason, beginning with the cluster ("the cluster at redis://... requires TLS: ..."), or null when the
    /// gateways cannot be listed or reached or accept this member (the failure is then not about TLS).
    /// </summary>
    /// <param name="member">"client" or "silo", for the message.</param>
    public static async Task<string?> ExplainAsync(CryoMergeHostSettings settings, string member,
        CancellationToken cancellationToken = default)
    {
        var mine = settings.Tls.Enabled ? ClusterCertificates.Load(settings.Tls, server: member == "silo") : null;
        foreach (var gateway in (await GatewaysAsync(settings, cancellationToken)).Take(3))
        {
            var verdict = await ProbeAsync(gateway, mine, cancellationToken);
            string at = $"the cluster at {settings.Cluster.Display} (gateway {gateway})";
            switch (verdict)
            {
                case Verdict.Unreachable or Verdict.Accepted:
                    continue;
                case Verdict.PlainGateway when mine is not null:
                    return $"{at} does not use TLS, but this {member} was given a certificate; " +
                        "drop --tls-cert (CRYOMERGE_TLS_CERT) or check the address";
                case Verdict.PlainGateway:
                    return null;
                case Verdict.WantsCertificate:
                    return $"{at} requires TLS and this {member} has no certificate; " +
                        "give --tls-cert FILE (or CRYOMERGE_TLS_CERT)";
                case Verdict.Untrusted(var subject, var reason):
                    return $"{at} presented the certificate {subject}, which this {member} does not trust: it {reason}";
                case Verdict.Refused:
                    return $"{at} refused this {member}'s certificate {mine!.Certificate.Subject}: " +
                        "it is not one the cluster trusts";
            }
        }
        return null;
    }

    /// <summary>
    /// Awaits <paramref name="connecting"/>; if it has not succeeded within a few seconds, asks whether TLS is the
    /// reason and, if so, gives up at once with that reason instead of waiting for Orleans' retries to time out.
    /// </summary>
    public static async Task WatchAsync(Task connecting, CryoMergeHostSettings settings, string member,
        CancellationToken cancellationToken)
    {
        var early = Task.Delay(EarlyProbe, cancellationToken);
        if (await Task.WhenAny(connecting, early) == connecting || cancellationToken.IsCancellationRequested)
        {
            await connecting;
            return;
        }
        if (await ExplainAsync(settings, member, cancellationToken) is { } refusal)
        {
            // The caller stops the host, which ends the attempt; its failure is expected and observed here.
            connecting.ContinueWith(t => t.Exception, TaskScheduler.Default).Ignore();
            throw new CryoMergeInputException("--tls-cert", refusal);
        }
        await connecting;
    }

    /// <summary>
    /// A .NET server judges the client's certificate once the TLS handshake is done, and then closes the connection;
    /// one that accepts it waits, silent, for the client's Orleans preamble. So: closed soon after means refused.
    /// </summary>
    public static async Task<bool> ClosedAfterHandshakeAsync(SslStream tls, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(VerdictWait);
        try
        {
            return await tls.ReadAsync(new byte[1], wait.Token) == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return true;
        }
    }

    private abstract record Verdict
    {
        public sealed record Unreachable : Verdict;
        public sealed record Accepted : Verdict;
        public sealed record PlainGateway : Verdict;
        public sealed record WantsCertificate : Verdict;
        public sealed record Untrusted(string Subject, string Reason) : Verdict;
        public sealed record Refused : Verdict;
    }

    private static async Task<Verdict> ProbeAsync(IPEndPoint gateway, ClusterCertificates? mine,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var tcp = new TcpClient(gateway.AddressFamily);
        try
        {
            await tcp.ConnectAsync(gateway, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new Verdict.Unreachable();
        }
        // Whether the gateway speaks TLS shows in its first byte (the client-certificate callback runs before any
        // answer, and certificate validation only once a handshake completes, which a refusing server may prevent).
        var network = new FirstByteStream(tcp.GetStream());
        X509Certificate2? presented = null;
        string? distrust = null;
        void See(X509Certificate? certificate, X509Chain? chain)
        {
            if (certificate is null || presented is not null) return;
            presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            distrust = mine?.Check(presented, chain);
        }
        await using var tls = new SslStream(network, leaveInnerStreamOpen: false,
            (_, certificate, chain, _) =>
            {
                See(certificate, chain);
                return true;   // go on, to learn whether the gateway accepts our certificate
            },
            (_, _, _, remote, _) =>
            {
                See(remote, null);
                return mine?.Certificate!;
            });
        bool failed;
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            };
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
            failed = await ClosedAfterHandshakeAsync(tls, cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            failed = true;
        }
        if (!network.AnsweredWithTls) return new Verdict.PlainGateway();
        if (mine is null) return new Verdict.WantsCertificate();
        if (distrust is not null) return new Verdict.Untrusted(presented?.Subject ?? "(unseen)", distrust);
        return failed ? new Verdict.Refused() : new Verdict.Accepted();
    }

    /// <summary>The gateways in membership, from the gateway list of an Orleans client built but not started.</summary>
    private static async Task<IReadOnlyList<IPEndPoint>> GatewaysAsync(CryoMergeHostSettings settings,
        CancellationToken cancellationToken)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(client => client.UseCryoMergeClustering(settings));
            using var host = builder.Build();
            var provider = host.Services.GetRequiredService<IGatewayListProvider>();
            await provider.InitializeGatewayListProvider().WaitAsync(ProbeTimeout, cancellationToken);
            var uris = await provider.GetGateways().WaitAsync(ProbeTimeout, cancellationToken);
            return uris.Select(u => IPAddress.TryParse(u.DnsSafeHost, out var ip) ? new IPEndPoint(ip, u.Port) : null)
                .OfType<IPEndPoint>().ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return [];   // no list, no explanation: the caller reports the failure it saw
        }
    }
}
