package dev.rediskit.config;

import dev.rediskit.RedisKitOptions;
import dev.rediskit.cache.CacheOptions;
import dev.rediskit.config.KeyFamily;
import dev.rediskit.test.GeneratedDoc;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/KEYS.md}, the one table of the key layout in Redis, equal to {@link KeyFamily},
 * and checks the property the layout exists for: no family's start is a prefix of another's.
 */
class KeysDocTest {

  static final Path DOC = Path.of("docs", "KEYS.md");
  static final String REGENERATE_COMMAND = "mvn -q test -Dtest=KeysDocTest -DregenerateDocs=true";

  @Test
  void noFamilyStartsInsideAnother() {
    for (KeyFamily a : KeyFamily.values()) {
      for (KeyFamily b : KeyFamily.values()) {
        if (a != b) {
          assertThat(a.start("p")).as("%s vs %s", a, b).doesNotStartWith(b.start("p"));
        }
      }
    }
  }

  @Test
  void documentMatchesTheCode() {
    GeneratedDoc.assertUpToDate(DOC, render(), "KeyFamily", REGENERATE_COMMAND);
  }

  static String render() {
    StringBuilder md = new StringBuilder();
    md.append("# Keys in Redis\n\n");
    md.append("<!-- Generated from KeyFamily by KeysDocTest; regenerate with: ").append(REGENERATE_COMMAND).append(" -->\n\n");
    md.append("Every key the module writes starts with `keyPrefix` (default `").append(RedisKitOptions.DEFAULT_KEY_PREFIX)
      .append("`), then a segment that names its family. The segment is fixed by the code and never comes from a\n")
      .append("request, so no value of any public input (cache namespace or key, limiter key, service name, endpoint,\n")
      .append("token, IP) can produce a key of another family, or a `SCAN` pattern that matches one: the cache namespace\n")
      .append("`rl` lives at `").append(KeyFamily.CACHE_ENTRY.start(RedisKitOptions.DEFAULT_KEY_PREFIX))
      .append("rl:…`, out of reach of the limiter's `").append(KeyFamily.RATE_LIMIT_GCRA.start(RedisKitOptions.DEFAULT_KEY_PREFIX))
      .append("…`. No family's start is a prefix of another's (checked by `KeysDocTest`).\n\n");
    md.append("| family | segment | keys | holds |\n|---|---|---|---|\n");
    for (KeyFamily f : KeyFamily.values()) {
      md.append("| `").append(f.name()).append("` | `").append(f.segment()).append("` | `")
        .append(f.layout().replace("|", "\\|")).append("` | ").append(f.description()).append(" |\n");
    }
    md.append("\nInside a family:\n\n")
      .append("- a namespace contains no `:`, so namespace `a` never owns the keys of namespace `a:b`; a namespace flush\n")
      .append("  walks `SCAN MATCH <keyPrefix>:c:<namespace>:*` with the glob characters `* ? [ ] \\` escaped, on every\n")
      .append("  master, so it deletes that namespace's entries of every version and nothing else (not its leases, not its\n")
      .append("  version, not another namespace);\n")
      .append("- every entry key holds the namespace's version (0 until the first `bumpVersion`), a number between two `:`:\n")
      .append("  a key may hold `:` and digits itself, and `c:users:3:a` can only be key `a` at version 3 (key `3:a` at\n")
      .append("  version 0 is `c:users:0:3:a`);\n")
      .append("- keys, limiter keys, service names and endpoints may not contain control characters (CR, LF, NUL, tab...),\n")
      .append("  and are refused with a 400 naming the field before anything reaches Redis;\n")
      .append("- raw tokens never appear in a key: `verifyAndLimit` stores the SHA-256 of the token;\n")
      .append("- every key has a TTL: cache entries at most `cache.maxTtlMs` (default ")
      .append(CacheOptions.DEFAULT_MAX_TTL_MS / 86_400_000L).append(" days), leases `cache.leaseTtlMs`, limiter state\n")
      .append("  until its quota is full again or its window is over; the one exception is a namespace's version counter\n")
      .append("  (`<keyPrefix>:cv:<namespace>`), a few bytes per namespace ever bumped, which must outlive every entry\n")
      .append("  of its namespace (if it expired, its version would start again from 0 and old entries could come back);\n")
      .append("- a tag (`<keyPrefix>:ct:<tag>`) may contain `:`, `*`, braces and any printable character: the family segment\n")
      .append("  `ct` is fixed and no other family's keys start with `<keyPrefix>:ct:`, so a tag never reaches an entry,\n")
      .append("  a namespace version or limiter state (`KeyIsolationIT` sends hostile tags through `cache.invalidateTag`\n")
      .append("  and tagged writes and checks every other key is unchanged); a tag version key is written only by\n")
      .append("  `invalidateTag`, never by a read, and is never matched by a namespace flush.\n\n");
    md.append("## Migration to namespace versions in entry keys\n\n")
      .append("Entries moved from `<keyPrefix>:c:<namespace>:<key>` to `<keyPrefix>:c:<namespace>:<version>:<key>` (version\n")
      .append("`0` until the namespace's first `bumpVersion`), leases likewise. As for the move below: nothing to run, the\n")
      .append("cache starts cold, the old entries are no longer read and expire by their TTL; `flush(namespace)` still\n")
      .append("matches them (its pattern `<keyPrefix>:c:<namespace>:*` covers both layouts) and reclaims their memory at\n")
      .append("once. During a rolling upgrade old and new instances do not share entries, as described below.\n\n");
    md.append("## Migration from 0.1.0 snapshots before the family segments\n\n")
      .append("Cache entries used to live at `<keyPrefix>:<namespace>:<key>` and leases at `<keyPrefix>::lease:<namespace>:<key>`;\n")
      .append("the limiter's keys have not moved.\n\n")
      .append("- **Nothing to run.** Old cache entries are no longer read: the cache starts cold, and the old entries expire by\n")
      .append("  their own TTL (at most `cache.maxTtlMs`). To reclaim the memory at once, delete them with `redis-cli --scan\n")
      .append("  --pattern '<keyPrefix>:<namespace>:*' | xargs redis-cli unlink` per namespace (on every master of a cluster);\n")
      .append("  never with `<keyPrefix>:*`, which also matches the new keys and the limiter's.\n")
      .append("- **Rate limits lose nothing.** The limiter's keys are unchanged, so old and new instances count in one key\n")
      .append("  space during a rolling upgrade: no extra requests get through.\n")
      .append("- **During a rolling upgrade** old and new instances do not share cache entries: each version misses what the\n")
      .append("  other wrote (at most one extra load per key and version), and an invalidation, delete or flush sent through\n")
      .append("  one version does not remove the other version's copy, which old instances may serve until its TTL or until\n")
      .append("  they are replaced. Finish the upgrade within the shortest TTL that matters to you, or flush the namespace\n")
      .append("  once more after the last old instance is gone.\n");
    return md.toString();
  }
}
