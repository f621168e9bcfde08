package dev.rediskit.eventbus;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's address table lists exactly the addresses the code serves. */
class AddressesDocTest {

  @Test
  void readmeTableMatchesAddresses() throws Exception {
    List<String> inCode = new ArrayList<>();
    for (Field f : Addresses.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        inCode.add((String) f.get(null));
      }
    }
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("### Event-bus addresses");
    int end = readme.indexOf("### HTTP endpoints");
    assertThat(start).as("README has an event-bus address section").isPositive();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z.]+)` \\|").matcher(readme.substring(start, end));
    List<String> inReadme = new ArrayList<>();
    while (m.find()) {
      inReadme.add(m.group(1));
    }
    assertThat(inReadme).as("addresses in README.md's table").containsExactlyInAnyOrderElementsOf(inCode);
  }
}
