package io.goldgate.access;

import java.util.List;
import java.util.Optional;

/**
 * The recipients an operator declares in files (the share catalog implements this). A recipient
 * created through the admin API under the name of a declared one is shadowed by it: two recipients
 * of one name would be confused in grants, row filters and audit, so the declared one wins.
 */
public interface DeclaredRecipients {

  List<Recipient> declared();

  /** The declared recipient of this name (names compare case-insensitively). */
  default Optional<Recipient> declared(String name) {
    return declared().stream().filter(r -> r.name().equalsIgnoreCase(name)).findFirst();
  }

  /** Whether a declared recipient shadows a created one of this name. */
  default boolean shadows(String name) {
    return declared(name).isPresent();
  }
}
