package io.goldgate.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.goldgate.GoldgateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Embedded mode: recipients in one JSON file of the state directory, read at start and rewritten
 * whole (temporary file, then rename) on every change, so a crash leaves the old or the new file,
 * never half of one. For a single replica: two processes sharing the file would overwrite each
 * other's changes.
 */
public final class FileRecipientStore implements RecipientStore {

  private static final Logger LOG = Logger.getLogger(FileRecipientStore.class);
  static final String FILE_NAME = "recipients.json";

  /** The file's content. */
  record FileContent(int version, List<StoredRecipient> recipients) {}

  /** An immutable snapshot with its look-up indexes; readers never lock. */
  private record State(
      Map<String, StoredRecipient> byName,
      Map<String, String> byToken,
      Map<String, String> byActivation,
      Map<String, List<StoredRecipient>> byIssuer) {
    static State of(Map<String, StoredRecipient> byName) {
      var byToken = new HashMap<String, String>();
      var byActivation = new HashMap<String, String>();
      var byIssuer = new HashMap<String, List<StoredRecipient>>();
      for (StoredRecipient r : new TreeMap<>(byName).values()) {
        r.tokenHashes().forEach(h -> byToken.put(h, r.name()));
        if (r.activationHash() != null) byActivation.put(r.activationHash(), r.name());
        r.federationIssuers().forEach(i -> byIssuer.computeIfAbsent(i, k -> new java.util.ArrayList<>()).add(r));
      }
      byIssuer.replaceAll((issuer, list) -> List.copyOf(list));
      return new State(Map.copyOf(byName), Map.copyOf(byToken), Map.copyOf(byActivation), Map.copyOf(byIssuer));
    }
  }

  private final Path file;
  private volatile State state;

  public FileRecipientStore(Path stateDir) {
    this.file = stateDir.toAbsolutePath().normalize().resolve(FILE_NAME);
    this.state = State.of(load());
  }

  private Map<String, StoredRecipient> load() {
    var byName = new TreeMap<String, StoredRecipient>();
    if (!Files.exists(file)) {
      return byName;
    }
    try {
      FileContent content = RecipientJson.MAPPER.readValue(Files.readString(file, StandardCharsets.UTF_8), FileContent.class);
      if (content != null && content.recipients() != null) {
        content.recipients().forEach(r -> byName.put(r.name(), r));
      }
      LOG.infof("Loaded %d recipient(s) from %s", byName.size(), file);
      return byName;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(file + " is not a valid recipients file: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<StoredRecipient> list() {
    return new TreeMap<>(state.byName()).values().stream().toList();
  }

  @Override
  public Optional<StoredRecipient> get(String name) {
    return Optional.ofNullable(state.byName().get(name));
  }

  @Override
  public Optional<StoredRecipient> findByTokenHash(String sha256Hex) {
    State s = state;
    return Optional.ofNullable(s.byToken().get(sha256Hex)).map(s.byName()::get);
  }

  @Override
  public List<StoredRecipient> findByIssuer(String issuer) {
    return state.byIssuer().getOrDefault(issuer, List.of());
  }

  @Override
  public Optional<StoredRecipient> findByActivationHash(String sha256Hex) {
    State s = state;
    return Optional.ofNullable(s.byActivation().get(sha256Hex)).map(s.byName()::get);
  }

  @Override
  public synchronized boolean create(StoredRecipient recipient) {
    if (state.byName().containsKey(recipient.name())) {
      return false;
    }
    var next = new TreeMap<>(state.byName());
    next.put(recipient.name(), recipient);
    save(next);
    return true;
  }

  @Override
  public synchronized Optional<StoredRecipient> update(String name, UnaryOperator<StoredRecipient> change) {
    StoredRecipient current = state.byName().get(name);
    if (current == null) {
      return Optional.empty();
    }
    StoredRecipient changed = change.apply(current);
    var next = new TreeMap<>(state.byName());
    next.put(name, changed);
    save(next);
    return Optional.of(changed);
  }

  @Override
  public synchronized boolean delete(String name) {
    if (!state.byName().containsKey(name)) {
      return false;
    }
    var next = new TreeMap<>(state.byName());
    next.remove(name);
    save(next);
    return true;
  }

  @Override
  public String description() {
    return "file " + file;
  }

  /** Writes the file, then publishes the new state: readers never see a change that was not saved. */
  private void save(Map<String, StoredRecipient> byName) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
      try {
        ownerOnly(tmp);
        Files.writeString(tmp, RecipientJson.write(new FileContent(1, List.copyOf(byName.values()))), StandardCharsets.UTF_8);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      LOG.errorf(e, "Cannot save recipients to %s", file);
      throw new GoldgateException(GoldgateException.Kind.UNAVAILABLE, "Cannot save the change: the state directory is not writable (see the gateway log)", e);
    }
    state = State.of(byName);
  }

  private static void ownerOnly(Path path) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: the directory's permissions have to do
    }
  }
}
