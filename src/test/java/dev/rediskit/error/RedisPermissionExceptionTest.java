package dev.rediskit.error;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The refusals as Redis 6.2 and 7.0 word them (replies copied from redis-server 6.2.6 and 7.0.15), and what is not one. */
class RedisPermissionExceptionTest {

  static final String EVALSHA_70 = "NOPERM this user has no permissions to run the 'evalsha' command";
  static final String EVALSHA_62 = "NOPERM this user has no permissions to run the 'evalsha' command or its subcommand";
  static final String KEY = "NOPERM this user has no permissions to access one of the keys used as arguments";
  static final String INNER_70 = "ERR The user executing the script can't run this command or subcommand script: "
    + "897afd4d23ee70efe0ede1685c1c94834429da77, on @user_script:1.";
  static final String INNER_62 = "ERR Error running script (call to f_897afd4d23ee70efe0ede1685c1c94834429da77): "
    + "@user_script:1: @user_script: 1: The user executing the script can't run this command or subcommand";
  static final String INNER_KEY_70 = "ERR The user executing the script can't access at least one of the keys mentioned "
    + "in the command arguments script: d326061f92931a583cf5a9b0d50828287c26b4f6, on @user_script:1.";
  static final String INNER_KEY_62 = "ERR Error running script (call to f_d326061f92931a583cf5a9b0d50828287c26b4f6): "
    + "@user_script:1: @user_script: 1: The user executing the script can't access at least one of the keys mentioned in "
    + "the command arguments";

  @Test
  void bothVersionsRefusalsAreRecognised() {
    for (String reply : new String[] {EVALSHA_70, EVALSHA_62, KEY, INNER_70, INNER_62, INNER_KEY_70, INNER_KEY_62,
      "NOAUTH Authentication required.", "EVALSHA: " + EVALSHA_70}) {
      assertThat(RedisPermissionException.isRefusal(reply)).as(reply).isTrue();
    }
  }

  @Test
  void otherErrorRepliesAreNotRefusals() {
    for (String reply : new String[] {"WRONGTYPE Operation against a key holding the wrong kind of value",
      "NOSCRIPT No matching script. Please use EVAL.", "ERR wrong number of arguments for 'get' command",
      "OOM command not allowed when used memory > 'maxmemory'.", "", null,
      "EXECABORT not run: Redis refused another command of the transaction it was gathered in (" + EVALSHA_70
        + ") and discarded it; nothing was done"}) {
      assertThat(RedisPermissionException.isRefusal(reply)).as(reply).isFalse();
    }
  }

  @Test
  void whatWasRefusedIsNamedAlike() {
    assertThat(RedisPermissionException.refused(EVALSHA_70)).isEqualTo("the command EVALSHA");
    assertThat(RedisPermissionException.refused(EVALSHA_62)).isEqualTo("the command EVALSHA");
    assertThat(RedisPermissionException.refused("EVAL: " + EVALSHA_62.replace("evalsha", "eval"))).isEqualTo("the command EVAL");
    assertThat(RedisPermissionException.refused(KEY)).isEqualTo("a key of the command");
    assertThat(RedisPermissionException.refused(INNER_70)).isEqualTo("a command the script calls");
    assertThat(RedisPermissionException.refused(INNER_62)).isEqualTo("a command the script calls");
    assertThat(RedisPermissionException.refused(INNER_KEY_70)).isEqualTo("a key the script touches");
    assertThat(RedisPermissionException.refused(INNER_KEY_62)).isEqualTo("a key the script touches");
  }

  @Test
  void theErrorKindIsReadWithoutTheClientsErrorValueToo() {
    RedisPermissionException e = new RedisPermissionException("EVALSHA: " + EVALSHA_70, null);
    assertThat(e.errorKind()).isEqualTo("NOPERM");
    assertThat(e).isInstanceOf(RedisCommandException.class);
    assertThat(e.code()).isEqualTo(RedisCommandException.CODE);
  }
}
