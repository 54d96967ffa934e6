package io.goldgate;

import java.util.concurrent.CompletionException;

/** Failures as dependent {@link java.util.concurrent.CompletionStage}s see them. */
public final class CompletionFailures {

  private CompletionFailures() {}

  /**
   * The failure a stage really completed with: a dependent stage receives it wrapped in a {@link
   * CompletionException}.
   */
  public static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
