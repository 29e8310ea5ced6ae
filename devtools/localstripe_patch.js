// Appended to localstripe's fake Stripe.js by devtools/localstripe_server.py (development and
// tests only). localstripe's confirmCardPayment() never sends the card that was typed, so every
// payment "succeeds" after a fake 3-D Secure dialog. This version sends the card to the
// launcher's confirm_card route, so test cards behave as on Stripe: 4242… succeeds, 0341 is
// declined, 3155 asks for authentication (localstripe's own dialog).
(function () {
  const makeFakeStripe = Stripe;

  async function post(url, payload) {
    // No Content-Type header: a "simple" cross-origin request, so no CORS preflight is needed.
    const response = await fetch(url, {method: 'POST', body: JSON.stringify(payload)});
    const body = await response.json().catch(() => ({}));
    return {ok: response.status === 200 && !body.error, body};
  }

  Stripe = (apiKey) => {
    const stripe = makeFakeStripe(apiKey);
    stripe.confirmCardPayment = async (clientSecret, data) => {
      const element = data && data.payment_method && data.payment_method.card;
      const card = (element && element.value && element.value.card) || {};
      const intentId = clientSecret.match(/^(pi_\w+)_secret_/)[1];
      try {
        let result = await post(
          `${LOCALSTRIPE_BASE_API}/_config/devtools/payment_intents/${intentId}/confirm_card`,
          {client_secret: clientSecret, card});
        if (!result.ok) {
          return {error: result.body.error || {message: 'Payment failed.'}};
        }
        if (result.body.status === 'requires_action') {
          const success = await openModal(
            '3D Secure\nDo you want to confirm or cancel?',
            'Complete authentication', 'Fail authentication');
          result = await post(
            `${LOCALSTRIPE_BASE_API}/v1/payment_intents/${intentId}/_authenticate?success=${success}`,
            {key: apiKey, client_secret: clientSecret});
          if (!result.ok) {
            return {error: result.body.error || {message: 'Payment failed.'}};
          }
          if (!success) {
            return {error: {
              type: 'card_error',
              code: 'payment_intent_authentication_failure',
              message: 'We are unable to authenticate your payment method. ' +
                       'Please choose a different payment method and try again.',
            }};
          }
        }
        return {paymentIntent: result.body};
      } catch (err) {
        return {error: {message: String(err)}};
      }
    };
    return stripe;
  };
})();
