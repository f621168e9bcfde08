package dev.rediskit.test;

import io.vertx.junit5.VertxExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class as an integration test: tagged {@code integration}, so that failsafe runs it and surefire
 * skips it, and extended with {@link VertxExtension}, so that test methods can take {@code Vertx} and
 * {@code VertxTestContext} parameters.
 *
 * <p>Servers are not started by this annotation; add a {@link RedisServers} field (or
 * {@code @ExtendWith(RedisServers.class)} for parameter injection) for that. Keeping the two apart avoids two
 * {@link RedisServers} registrations competing to resolve the same parameter.
 *
 * <pre>{@code
 * @IntegrationTest
 * class CacheIT {
 *   @RegisterExtension
 *   static final RedisServers redis = RedisServers.standalone();
 *
 *   @Test
 *   void caches(Vertx vertx, VertxTestContext ctx) { ... redis.uri() ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("integration")
@ExtendWith(VertxExtension.class)
public @interface IntegrationTest {
}
