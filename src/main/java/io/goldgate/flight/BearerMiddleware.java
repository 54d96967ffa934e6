package io.goldgate.flight;

import io.goldgate.GoldgateException;
import io.goldgate.access.BearerAuthenticator;
import io.goldgate.access.Principal;
import io.goldgate.access.Recipient;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Authenticates every Flight call with {@code authorization: Bearer <token>}: the same recipients,
 * tokens, grants and IP allow-lists as Delta Sharing, through the same authenticator.
 */
final class BearerMiddleware implements FlightServerMiddleware {

  static final Key<BearerMiddleware> KEY = Key.of("goldgate-bearer");

  private final Recipient recipient;

  private BearerMiddleware(Recipient recipient) {
    this.recipient = recipient;
  }

  Recipient recipient() {
    return recipient;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  static final class Factory implements FlightServerMiddleware.Factory<BearerMiddleware> {
    private final BearerAuthenticator authenticator;

    Factory(BearerAuthenticator authenticator) {
      this.authenticator = authenticator;
    }

    @Override
    public BearerMiddleware onCallStarted(CallInfo info, CallHeaders headers, RequestContext context) {
      try {
        Principal principal = authenticator.authenticate(headers.get("authorization"), ClientAddresses.current());
        FlightAudit.current().principal(principal);
        return new BearerMiddleware(principal.recipient());
      } catch (GoldgateException e) {
        FlightAudit.current().authenticationFailed(e);
        // UNAUTHENTICATED, UNAUTHORIZED (an address outside the allow-list), UNAVAILABLE (store down)
        throw GoldgateFlightProducer.status(e);
      }
    }
  }
}
