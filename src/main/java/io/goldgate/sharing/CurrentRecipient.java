package io.goldgate.sharing;

import io.goldgate.access.Recipient;
import jakarta.enterprise.context.RequestScoped;

/** The recipient authenticated for the current Delta Sharing request. */
@RequestScoped
public class CurrentRecipient {
  private Recipient recipient;

  void set(Recipient recipient) {
    this.recipient = recipient;
  }

  public Recipient get() {
    if (recipient == null) {
      throw new IllegalStateException("no authenticated recipient for this request");
    }
    return recipient;
  }
}
