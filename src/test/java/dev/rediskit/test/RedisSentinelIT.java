package dev.rediskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks that the Sentinel fixture reports its master and fails over when the master is killed. */
@IntegrationTest
class RedisSentinelIT {

  @Test
  void sentinelReportsTheMasterAndFailsOver() {
    try (RedisSentinel setup = RedisSentinel.builder().password("pw").start()) {
      assertThat(setup.masterName()).isEqualTo("mymaster");
      assertThat(setup.sentinelEndpoints()).hasSize(1);
      assertThat(setup.sentinel().command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"))
          .isEqualTo(List.of("127.0.0.1", String.valueOf(setup.master().port())));
      assertThat(setup.currentMaster()).isSameAs(setup.master());

      setup.master().command("SET", "k", "v");
      setup.flushAll();
      assertThat(setup.replica().command("DBSIZE")).isEqualTo(0L);

      RedisServer killed = setup.killMaster();
      RedisServer promoted = setup.awaitNewMaster(killed);
      assertThat(promoted).isSameAs(setup.replica());
      assertThat(setup.reportedMasterPort()).isEqualTo(setup.replica().port());

      setup.restartStopped();
      assertThat(setup.currentMaster()).isSameAs(setup.replica());
      Await.until(() -> "slave".equals(killed.info("replication").get("role")),
          "Sentinel to turn the restarted old master into a replica");
    }
  }
}
