package io.goldgate.access;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where recipients created through the admin API live, shared by every replica (Redis) or kept on
 * this one's disk (embedded mode). Implementations keep only hashes of secrets, and never cache:
 * a change (a revocation above all) is seen by the next request.
 */
public interface RecipientStore {

  /** Every stored recipient, ordered by name. */
  List<StoredRecipient> list();

  Optional<StoredRecipient> get(String name);

  /** The recipient one of whose tokens has this hex SHA-256 (whatever the token's state). */
  Optional<StoredRecipient> findByTokenHash(String sha256Hex);

  /** The recipients with a federation policy naming this issuer, ordered by name. */
  List<StoredRecipient> findByIssuer(String issuer);

  /** The recipient whose last activation link has a code with this hex SHA-256. */
  Optional<StoredRecipient> findByActivationHash(String sha256Hex);

  /**
   * Adds a new recipient.
   *
   * @return false when one of that name already exists (nothing is changed)
   */
  boolean create(StoredRecipient recipient);

  /**
   * Replaces a recipient by {@code change} of its current state, atomically: when another replica
   * changed it in between, {@code change} runs again on the newer state. {@code change} may throw
   * to abort.
   *
   * @return the new state, or empty when no recipient has that name
   */
  Optional<StoredRecipient> update(String name, UnaryOperator<StoredRecipient> change);

  /** @return false when no recipient had that name */
  boolean delete(String name);

  /** Where the recipients are kept, for logs and status. */
  String description();
}
