package dev.rediskit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test JVMs are immune to the configuration of the developer's shell: the build removes every
 * variable the module reads from their environment, so that an ambient {@code REDIS_URL} never
 * sends the suite to a Redis it must not touch.
 */
class TestEnvironmentTest {

  @Test
  void buildExcludesEveryVariableTheModuleReads() throws IOException {
    Matcher m = Pattern.compile("<test.excludedEnv>([^<]*)</test.excludedEnv>").matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).as("pom.xml defines test.excludedEnv").isTrue();
    List<String> excluded = Arrays.asList(m.group(1).split(","));
    List<String> read = new ArrayList<>(RedisKitConfig.CONVENTIONAL_ENV_VARS.keySet());
    read.add(RedisKitConfig.CONFIG_FILE_ENV);
    RedisKitOptions.KEYS.forEach(k -> read.add(k.envVar()));
    assertThat(excluded).as("test.excludedEnv in pom.xml (add the missing names)").containsAll(read);
  }

  @Test
  void thisJvmSeesNoneOfThem() {
    // Meaningful when the suite is started from a shell that sets them: the build must have removed them.
    assertThat(System.getenv(RedisKitConfig.REDIS_URL_ENV)).isNull();
    assertThat(System.getenv("REDISKIT_ENDPOINTS")).isNull();
  }
}
