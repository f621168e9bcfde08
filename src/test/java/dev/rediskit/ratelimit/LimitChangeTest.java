package dev.rediskit.ratelimit;

import dev.rediskit.ratelimit.RateLimitOptions.Algorithm;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A change of the stored limits is validated like configuration: every problem at once, each naming its entry. */
class LimitChangeTest {

  @Test
  void readsEveryKindOfEntryAndRemovals() {
    LimitChange c = new LimitChange(new JsonObject("""
      {"endpoints": {"/login": {"token": "5/1m", "ip": "20/1m"}, "/old": null},
       "services": {"mailer": "50/1s"},
       "plans": {"free": "100/1m", "pro": "5000/1m;burst=500", "gone": null}}"""));
    assertThat(c.problems(Algorithm.GCRA)).isEmpty();
    assertThat(c.endpoints()).containsEntry("/login", new EndpointLimits(Limit.parse("5/1m"), Limit.parse("20/1m"), null))
      .containsEntry("/old", null);
    assertThat(c.services()).containsExactly(Map.entry("mailer", Limit.parse("50/1s")));
    assertThat(c.plans()).containsEntry("pro", Limit.parse("5000/1m;burst=500")).containsEntry("gone", null);
    assertThat(c.size()).isEqualTo(6);
    assertThat(new LimitChange(c.toJson()).toJson()).isEqualTo(c.toJson());
  }

  @Test
  void namesEveryProblemAtOnce() {
    LimitChange c = new LimitChange(new JsonObject("""
      {"endpoints": {"/login": {"token": "five a minute", "burst": "1"}, "/ok": {"ip": "1/1s"}, "/list": "10/1m"},
       "services": {"mailer": "0/1s", "": "1/1s"},
       "plans": {"pro": 12, "free": "100/1m"},
       "defaults": {}}"""));
    List<String> problems = c.problems(Algorithm.GCRA);
    assertThat(problems).hasSize(6);
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("defaults: unknown field"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("endpoints./login.").contains("burst"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("endpoints./list.").contains("expected an object"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("services.mailer.").contains("0"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("services: entry \"\""));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("plans.pro."));
    assertThatThrownBy(() -> c.validate(Algorithm.GCRA)).isInstanceOf(InvalidLimitChangeException.class)
      .satisfies(e -> {
        InvalidLimitChangeException ice = (InvalidLimitChangeException) e;
        assertThat(ice.problems()).isEqualTo(problems);
        assertThat(ice.field()).isEqualTo("change");
        assertThat(ice.getMessage()).contains("nothing applied").contains("services.mailer").contains("plans.pro");
      });
  }

  @Test
  void aBadEndpointLimitNamesItsKind() {
    List<String> problems = new LimitChange(new JsonObject("{\"endpoints\": {\"/a\": {\"token\": \"x\"}}}"))
      .problems(Algorithm.GCRA);
    assertThat(problems).singleElement().satisfies(p -> assertThat(p).startsWith("endpoints./a.token: "));
  }

  @Test
  void refusesAnEmptyOrOversizedChange() {
    assertThat(new LimitChange().problems(Algorithm.GCRA)).singleElement()
      .satisfies(p -> assertThat(p).startsWith("change: has no entry"));
    assertThat(new LimitChange(new JsonObject("{\"plans\": []}")).problems(Algorithm.GCRA)).singleElement()
      .satisfies(p -> assertThat(p).startsWith("plans: expected an object"));
    LimitChange big = new LimitChange();
    for (int i = 0; i <= LimitChange.MAX_ENTRIES; i++) {
      big.setService("s" + i, Limit.parse("1/1s"));
    }
    assertThat(big.problems(Algorithm.GCRA)).singleElement().satisfies(p -> assertThat(p).contains("at most 1000 entries"));
  }

  @Test
  void checksLimitsAgainstTheAlgorithm() {
    LimitChange c = new LimitChange().setPlan("huge", Limit.parse("1000000000/1d"));
    assertThat(c.problems(Algorithm.GCRA)).isEmpty();
    assertThat(c.problems(Algorithm.SLIDING_WINDOW)).singleElement()
      .satisfies(p -> assertThat(p).startsWith("plans.huge: ").contains("2^51"));
  }

  @Test
  void settersRejectBadNamesAtOnce() {
    assertThatThrownBy(() -> new LimitChange().setEndpoint("", EndpointLimits.NONE))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("endpoints: endpoint");
    assertThatThrownBy(() -> new LimitChange().setPlan("pro", null))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plans.pro: limit is required");
    assertThatThrownBy(() -> new LimitChange().removeService("x".repeat(RateLimits.MAX_NAME_LENGTH + 1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("services: service");
  }
}
