/**
 * Shared support for integration tests: real {@code redis-server} processes on loopback, started and stopped by the
 * tests themselves, plus a fault-injecting proxy.
 *
 * <ul>
 *   <li>{@link dev.rediskit.test.IntegrationTest} marks a test class (tag {@code integration}, Vert.x extension).</li>
 *   <li>{@link dev.rediskit.test.RedisServers} is the JUnit extension that starts what a class needs:
 *       {@code standalone()}, {@code cluster()}, {@code sentinel()}, with {@code withPassword}, {@code withAclUser},
 *       {@code tls()}.</li>
 *   <li>{@link dev.rediskit.test.RedisServer}, {@link dev.rediskit.test.RedisCluster} and
 *       {@link dev.rediskit.test.RedisSentinel} are the fixtures themselves, usable directly with
 *       try-with-resources; {@link dev.rediskit.test.RedisServer#command(String...)} inspects a server over RESP.</li>
 *   <li>{@link dev.rediskit.test.FaultProxy} sits between client and server: pass, delay, blackhole, reset.</li>
 *   <li>{@link dev.rediskit.test.TlsCertificates} generates a CA and certificates at test time.</li>
 *   <li>{@link dev.rediskit.test.Await} polls for a condition with a deadline; tests never wait with fixed
 *       sleeps.</li>
 *   <li>{@link dev.rediskit.test.GeneratedDoc} keeps a document generated from code up to date;
 *       {@link dev.rediskit.test.DocSnippets} keeps the documents' code compiling (every {@code ```java} block
 *       and Javadoc example is a copy of a region of {@code dev.rediskit.docs}).</li>
 * </ul>
 *
 * <pre>{@code
 * @IntegrationTest
 * class CacheIT {
 *   @RegisterExtension
 *   static final RedisServers redis = RedisServers.standalone().withPassword("pw");
 *
 *   @Test
 *   void expires(Vertx vertx, RedisServer server) {
 *     // ... client created from server.uri(null, "pw") writes "k" with a TTL ...
 *     Await.until(() -> (Long) server.command("PTTL", "k") > 0, "k to get a TTL");
 *   }
 * }
 * }</pre>
 *
 * <p>Servers come from {@link dev.rediskit.test.RedisBinary}: {@code redis-server} on the {@code PATH}, else the
 * binary inside the {@code embedded-redis} test dependency; nothing else (no {@code redis-cli}, no {@code openssl})
 * is needed.
 */
package dev.rediskit.test;
