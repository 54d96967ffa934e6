package io.goldgate.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import io.goldgate.audit.model.AuditEvent;
import io.goldgate.audit.model.FeatureLookups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Embedded mode: JSON lines in {@code audit-<n>.jsonl} files, a new file when the current one
 * reaches the size limit, the oldest deleted beyond the number kept. An event's id is {@code
 * n:line}. Last access and lookup totals live in two small JSON files next to them, replaced
 * atomically.
 */
final class FileAuditSink implements AuditSink {

  private static final Pattern FILE = Pattern.compile("audit-(\\d{10})\\.jsonl");
  private static final Pattern ID = Pattern.compile("(\\d+):(\\d+)");
  static final String LAST_ACCESS = "last-access.json";
  static final String FEATURE_LOOKUPS = "feature-lookups.json";

  private final Path dir;
  private final long maxFileBytes;
  private final int keep;
  private final Map<String, Instant> lastAccess = new ConcurrentHashMap<>();
  private final Map<String, FeatureLookups> lookups = new ConcurrentHashMap<>();
  /** Guards the files: the writer appends and rotates while admin requests read. */
  private final Object lock = new Object();
  private long current = -1;

  FileAuditSink(Path dir, long maxFileBytes, int keep) {
    this.dir = dir;
    this.maxFileBytes = maxFileBytes;
    this.keep = Math.max(1, keep);
    try {
      lastAccess.putAll(readMap(LAST_ACCESS, new TypeReference<Map<String, Instant>>() {}));
      lookups.putAll(readMap(FEATURE_LOOKUPS, new TypeReference<Map<String, FeatureLookups>>() {}));
    } catch (IOException e) {
      // A damaged state file costs last-access times and counters, never the gateway.
      org.jboss.logging.Logger.getLogger(FileAuditSink.class).warnf("Cannot read audit state under %s: %s", dir, e.getMessage());
    }
  }

  private <T> Map<String, T> readMap(String name, TypeReference<Map<String, T>> type) throws IOException {
    Path file = dir.resolve(name);
    if (!Files.exists(file)) {
      return Map.of();
    }
    return AuditJson.MAPPER.readValue(file.toFile(), type);
  }

  @Override
  public String description() {
    return "JSON-lines files under " + dir.toAbsolutePath().normalize();
  }

  @Override
  public void append(List<AuditEvent> events) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (AuditEvent event : events) {
      lines.append(AuditJson.write(event)).append('\n');
    }
    byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
    synchronized (lock) {
      Files.createDirectories(dir);
      if (current < 0) {
        List<Long> existing = files();
        current = existing.isEmpty() ? 1 : existing.getLast();
      }
      Path file = file(current);
      if (Files.exists(file) && Files.size(file) > 0 && Files.size(file) + bytes.length > maxFileBytes) {
        current++;
        file = file(current);
        List<Long> existing = files();
        for (int i = 0; i < existing.size() + 1 - keep; i++) {
          Files.deleteIfExists(file(existing.get(i)));
        }
      }
      Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
  }

  private Path file(long n) {
    return dir.resolve(String.format("audit-%010d.jsonl", n));
  }

  /** The numbers of the audit files present, ascending. */
  private List<Long> files() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> FILE.matcher(p.getFileName().toString())).filter(Matcher::matches).map(m -> Long.parseLong(m.group(1))).sorted().toList();
    }
  }

  @Override
  public List<AuditEvent> read(Predicate<AuditEvent> filter, boolean newestFirst, String cursor, Instant notBefore, int max) {
    long cursorFile = -1;
    int cursorLine = -1;
    if (cursor != null) {
      Matcher m = ID.matcher(cursor);
      if (!m.matches()) {
        throw new IllegalArgumentException("not an audit file position");
      }
      cursorFile = Long.parseLong(m.group(1));
      cursorLine = Integer.parseInt(m.group(2));
    }
    List<AuditEvent> out = new ArrayList<>();
    synchronized (lock) {
      List<Long> numbers;
      try {
        numbers = new ArrayList<>(files());
      } catch (IOException e) {
        throw new IllegalStateException("Cannot list the audit files: " + e.getMessage(), e);
      }
      if (newestFirst) {
        java.util.Collections.reverse(numbers);
      }
      for (long n : numbers) {
        if (cursor != null && (newestFirst ? n > cursorFile : n < cursorFile)) {
          continue;
        }
        List<String> lines;
        try {
          lines = Files.readAllLines(file(n), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          continue;
        } catch (IOException e) {
          throw new IllegalStateException("Cannot read the audit file " + file(n).getFileName() + ": " + e.getMessage(), e);
        }
        int size = lines.size();
        for (int k = 0; k < size; k++) {
          int line = newestFirst ? size - 1 - k : k;
          if (n == cursorFile && (newestFirst ? line >= cursorLine : line <= cursorLine)) {
            continue;
          }
          String text = lines.get(line);
          if (text.isBlank()) continue;
          AuditEvent event = AuditJson.read(text, n + ":" + line);
          if (event != null && filter.test(event)) {
            out.add(event);
            if (out.size() >= max) {
              return out;
            }
          }
        }
      }
    }
    return out;
  }

  @Override
  public Map<String, Instant> lastAccess() {
    return Map.copyOf(lastAccess);
  }

  @Override
  public void saveLastAccess(Map<String, Instant> times) throws IOException {
    Map<String, Instant> next = new TreeMap<>(lastAccess);
    times.forEach((table, time) -> next.merge(table, time, (a, b) -> a.isAfter(b) ? a : b));
    writeAtomically(LAST_ACCESS, next);
    lastAccess.putAll(next);
  }

  @Override
  public Map<String, FeatureLookups> featureLookups() {
    return Map.copyOf(lookups);
  }

  @Override
  public void addFeatureLookups(Map<String, FeatureLookups> deltas) throws IOException {
    Map<String, FeatureLookups> next = new TreeMap<>(lookups);
    deltas.forEach((recipient, delta) -> next.merge(recipient, delta, FeatureLookups::plus));
    writeAtomically(FEATURE_LOOKUPS, next);
    lookups.putAll(next);
  }

  private void writeAtomically(String name, Object value) throws IOException {
    synchronized (lock) {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(name + ".tmp");
      AuditJson.MAPPER.writeValue(tmp.toFile(), value);
      Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
