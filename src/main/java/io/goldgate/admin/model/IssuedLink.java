package io.goldgate.admin.model;

import java.time.Instant;

/**
 * Answer to creating a recipient or issuing it a token.
 *
 * @param previousTokensEndAt when the tokens the recipient held stop working (the end of the grace
 *     period), null when it held none
 */
public record IssuedLink(RecipientView recipient, ActivationLink activation, Instant previousTokensEndAt) {}
