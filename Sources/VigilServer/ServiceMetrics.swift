import HTTPTypes
import Hummingbird
import Prometheus

/// The service's Prometheus metrics: request counts and latency per route, scan verdicts, and
/// gauges (index size, queue, outbox) refreshed on each scrape. One registry per application.
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    private func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "vigil", metricName: name, unitName: unit, helpText: help)
    }

    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: descriptor("http_requests", "total", "HTTP requests by method, route and status"),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: descriptor("http_request_duration", "seconds", "HTTP request latency by route"),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    func scan(verdict: String) {
        registry.makeCounter(
            descriptor: descriptor("scans", "total", "Finished scans by verdict (error for failed scans)"),
            labels: [("verdict", verdict)]
        ).increment()
    }

    func gauge(_ name: String, _ help: String, labels: [(String, String)] = [], value: Double) {
        registry.makeGauge(descriptor: descriptor(name, "", help), labels: labels).set(value)
    }

    func exposition() -> String { registry.emitToString() }
}

/// Counts every request by its route pattern (never the raw path, which may carry names).
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let start = ContinuousClock.now
        let route = { context.endpointPath ?? "unmatched" }
        do {
            let response = try await next(request, context)
            metrics.request(
                method: request.method.rawValue, route: route(), status: response.status.code,
                duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(
                method: request.method.rawValue, route: route(), status: status, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
