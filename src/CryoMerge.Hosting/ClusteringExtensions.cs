using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace CryoMerge.Hosting;

/// <summary>Cluster membership chosen by configuration, for silos and clients alike.</summary>
public static class ClusteringExtensions
{
    public static ISiloBuilder UseCryoMergeClustering(this ISiloBuilder silo, CryoMergeHostSettings settings)
    {
        var target = settings.Cluster;
        if (target.Kind == ClusterKind.Localhost)
            return silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId,
                clusterId: settings.ClusterId);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = settings.ServiceId;
            o.ClusterId = settings.ClusterId;
        });
        silo.ConfigureEndpoints(settings.ResolveAdvertisedAddress(), settings.SiloPort, settings.GatewayPort);
        // Only the advertised address unless --listen says otherwise; set explicitly, because Orleans' Kubernetes
        // hosting would otherwise listen on every address.
        var listen = settings.ResolveListenAddress();
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloListeningEndpoint = new IPEndPoint(listen, settings.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(listen, settings.GatewayPort);
        });
        return target.Kind switch
        {
            ClusterKind.Redis => silo.UseRedisClustering(target.ConnectionString!),
            _ => silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = target.ConnectionString!;
            }),
        };
    }

    public static IClientBuilder UseCryoMergeClustering(this IClientBuilder client, CryoMergeHostSettings settings)
    {
        var target = settings.Cluster;
        if (target.Kind == ClusterKind.Localhost)
            return client.UseLocalhostClustering(settings.GatewayPort, settings.ServiceId, settings.ClusterId);
        client.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = settings.ServiceId;
            o.ClusterId = settings.ClusterId;
        });
        return target.Kind switch
        {
            ClusterKind.Redis => client.UseRedisClustering(target.ConnectionString!),
            _ => client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = target.ConnectionString!;
            }),
        };
    }
}
