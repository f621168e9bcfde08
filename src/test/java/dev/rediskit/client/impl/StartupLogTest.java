package dev.rediskit.client.impl;

import dev.rediskit.RedisKitConfig;
import dev.rediskit.RedisKitOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** What the gateway says at start-up about where its endpoints came from. */
class StartupLogTest {

  @Test
  void warnsOnlyWhenNothingConfiguredTheEndpoints() {
    assertThat(RedisGatewayImpl.defaultEndpointWarning(new RedisKitOptions()))
      .contains("no Redis endpoint configured").contains("REDIS_URL").contains(RedisKitOptions.DEFAULT_ENDPOINT);
    assertThat(RedisGatewayImpl.defaultEndpointWarning(new RedisKitOptions().setEndpoint("redis://h:1"))).isNull();
    // Set to the default on purpose is configured too.
    assertThat(RedisGatewayImpl.defaultEndpointWarning(new RedisKitOptions().setEndpoint(RedisKitOptions.DEFAULT_ENDPOINT))).isNull();
  }

  @Test
  void eachSourceIsNamed() {
    assertThat(new RedisKitOptions().endpointsSource()).isEqualTo("default");
    assertThat(new RedisKitOptions().setEndpoint("redis://h:1").endpointsSource()).isEqualTo("set in code");
    assertThat(RedisKitConfig.fromSources(null, Map.of("REDIS_URL", "redis://h:1"), new Properties()).endpointsSource())
      .isEqualTo("env REDIS_URL");
    Properties sys = new Properties();
    sys.setProperty("rediskit.endpoints", "redis://h:2");
    assertThat(RedisKitConfig.fromSources(null, Map.of("REDIS_URL", "redis://h:1"), sys).endpointsSource())
      .isEqualTo("system property rediskit.endpoints");
    io.vertx.core.json.JsonObject deployment = new io.vertx.core.json.JsonObject().put("endpoints", "redis://h:3");
    io.vertx.core.json.JsonObject file = new io.vertx.core.json.JsonObject().put("endpoints", "redis://h:4");
    RedisKitOptions fromDeployment = RedisKitConfig.fromSources(file, "config file f.json", deployment, "deployment config",
      Map.of(), new Properties());
    assertThat(fromDeployment.endpointsSource()).isEqualTo("deployment config");
    assertThat(fromDeployment.getEndpoints()).containsExactly("redis://h:3");
    assertThat(RedisKitConfig.fromSources(file, "config file f.json", new io.vertx.core.json.JsonObject(), "deployment config",
      Map.of(), new Properties()).endpointsSource()).isEqualTo("config file f.json");
    // The environment is above the deployment config.
    assertThat(RedisKitConfig.fromSources(file, "config file f.json", deployment, "deployment config",
      Map.of("REDIS_URL", "redis://h:5"), new Properties()).getEndpoints()).containsExactly("redis://h:5");
  }
}
