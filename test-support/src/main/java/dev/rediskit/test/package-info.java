/**
 * Test support for applications built on RedisKit (and for RedisKit's own tests): real {@code redis-server}
 * processes on loopback, started and stopped by the tests themselves, plus a fault-injecting proxy. Published as
 * {@code dev.rediskit:vertx-redis-kit-test-support}, added with one test-scoped dependency.
 *
 * <ul>
 *   <li>{@link dev.rediskit.test.RedisServers} is the JUnit 5 extension that starts what a class needs:
 *       {@code standalone()}, {@code cluster()}, {@code sentinel()}, with {@code withPassword}, {@code withAclUser},
 *       {@code tls()}.</li>
 *   <li>{@link dev.rediskit.test.RedisServer}, {@link dev.rediskit.test.RedisCluster} and
 *       {@link dev.rediskit.test.RedisSentinel} are the fixtures themselves, usable directly with
 *       try-with-resources; {@link dev.rediskit.test.RedisServer#command(String...)} inspects a server over RESP;
 *       {@code kill()} and {@code restart()} take a server away and bring it back on the same port.</li>
 *   <li>{@link dev.rediskit.test.FaultProxy} sits between client and server: pass, delay, blackhole, reset.</li>
 *   <li>{@link dev.rediskit.test.TlsCertificates} generates a CA and certificates at test time.</li>
 *   <li>{@link dev.rediskit.test.Await} polls for a condition with a deadline; tests never wait with fixed
 *       sleeps. {@link dev.rediskit.test.Futures} waits for a Vert.x future from the test thread.</li>
 * </ul>
 *
 * <p>Servers come from {@link dev.rediskit.test.RedisBinary}: {@code redis-server} on the {@code PATH}, else the
 * binary inside the {@code embedded-redis} dependency this artifact brings; nothing else (no {@code redis-cli}, no
 * {@code openssl}) is needed. The README's "Testing your application" section has a complete example test.
 */
package dev.rediskit.test;
