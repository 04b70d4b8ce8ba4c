import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs an ``InferenceServer`` as a Hummingbird application under swift-service-lifecycle.
///
/// On SIGTERM or SIGINT: readiness goes false at once, the server keeps answering for `drainDelay`, then stops
/// accepting connections and lets every accepted request finish, then the models drain and the process exits.
public enum LeptonServeApp {
    /// Builds the application (routes mounted) without running it.
    /// - Parameters:
    ///   - server: the inference server.
    ///   - host: the address to bind.
    ///   - port: the port (0: any free port).
    ///   - onListening: called with the bound port once the server listens.
    /// - Returns: the application.
    public static func makeApplication(
        server: InferenceServer, host: String = "127.0.0.1", port: Int = 8000,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        server.addRoutes(to: router)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "lepton-serve"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: server.logger)
    }

    /// Loads the repository (when configured to), serves until SIGTERM or SIGINT, then shuts down gracefully.
    /// - Parameters:
    ///   - server: the inference server.
    ///   - host: the address to bind.
    ///   - port: the port (0: any free port).
    ///   - onListening: called with the bound port once the server listens.
    /// - Throws: when the server cannot bind or a service fails.
    public static func run(
        server: InferenceServer, host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        if server.configuration.loadAllAtStartup { await server.repository.loadAll() }
        let app = makeApplication(server: server, host: host, port: port, onListening: onListening)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ModelShutdownService(server: server), app, DrainService(server: server)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: server.logger))
        try await group.run()
    }
}

/// Shut down first (it is last in the group): turns readiness false, then waits `drainDelay` so that load balancers
/// stop routing here before the listener closes.
struct DrainService: Service {
    let server: InferenceServer

    func run() async throws {
        try? await gracefulShutdown()
        server.beginDraining()
        server.logger.info("draining: readiness is false")
        if server.configuration.drainDelay > .zero { try? await Task.sleep(for: server.configuration.drainDelay) }
    }
}

/// Shut down last: after the HTTP server has answered its accepted requests, drains and drops every model.
struct ModelShutdownService: Service {
    let server: InferenceServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.repository.shutdown()
        server.logger.info("models drained; exiting")
    }
}
