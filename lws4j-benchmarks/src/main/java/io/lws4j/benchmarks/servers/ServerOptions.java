package io.lws4j.benchmarks.servers;

/**
 * Command-line options shared by every benchmark server.
 *
 * @param impl which server ({@link ServerMain#IMPLS})
 * @param port TCP port on 127.0.0.1, 0 for ephemeral
 * @param threads worker threads for streaming tasks (0 = no pool, echo only)
 * @param queue wait-queue bound of the worker pool
 * @param ioThreads selector / service threads
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
record ServerOptions(String impl, int port, int threads, int queue, int ioThreads) {

    static ServerOptions parse(String[] args) {
        String impl = null;
        int port = 0;
        int threads = 3;
        int queue = 1024;
        int io = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--impl" -> impl = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--queue" -> queue = Integer.parseInt(value);
                case "--io-threads" -> io = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (impl == null) {
            throw new IllegalArgumentException("--impl is required, one of " + ServerMain.IMPLS);
        }
        return new ServerOptions(impl, port, threads, queue, io);
    }
}
