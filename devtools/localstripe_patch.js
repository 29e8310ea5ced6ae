// Appended to localstripe's fake Stripe.js by devtools/localstripe_server.py (development and
// tests only). Two things localstripe's fake gets wrong, put right so that what a newcomer sees
// and types here is what production's Stripe Card Element shows and accepts:
//
// 1. Its card form is five raw inputs (placeholders "number", "exp_month", "exp_year", "cvc",
//    "postal_code", a "localstripe:" label) that jump to the next input after 16 characters,
//    spaces included, and prefix "20" to whatever year is typed. This one is Stripe's single row:
//    "1234 1234 1234 1234" grouped as you type (spaces and dashes typed are fine), "MM / YY" (a
//    four-digit year is shortened, as Stripe does), "CVC"; focus moves on only when a part is
//    complete, and the mount node gets Stripe's StripeElement--focus/--invalid/--complete classes.
// 2. Its confirmCardPayment() never sends the card that was typed, so every payment "succeeds"
//    after a fake 3-D Secure dialog. This version sends the card to the launcher's confirm_card
//    route, so test cards behave as on Stripe: 4242… succeeds, 0341 is declined, 3155 asks for
//    authentication (localstripe's own dialog).
(function () {
  const makeFakeStripe = Stripe;
  const NUMBER_DIGITS = 16;

  const digitsOf = (text) => text.replace(/\D/g, '');
  const groupNumber = (digits) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');

  // What was typed in the expiry field ("1230", "12/30", "12 / 2030", "4 / 30") as Stripe reads
  // it: {month: "12" or "04", year: "30"}; a four-digit year 20YY becomes YY.
  function parseExpiry(text) {
    let digits = digitsOf(text);
    if (/^[2-9]/.test(digits)) {
      digits = '0' + digits;  // "4" can only be April
    }
    digits = digits.slice(0, 6);
    let year = digits.slice(2);
    if (year.length === 4 && year.startsWith('20')) {
      year = year.slice(2);
    }
    return {month: digits.slice(0, 2), year};
  }

  function expiryProblem(month, year) {
    if (month.length < 2 || (year.length !== 2 && year.length !== 4)) {
      return "Your card's expiration date is incomplete.";
    }
    if (+month < 1 || +month > 12) {
      return "Your card's expiration month is invalid.";
    }
    const now = new Date();
    const fullYear = year.length === 4 ? +year : 2000 + +year;
    if (fullYear < now.getFullYear() || (fullYear === now.getFullYear() && +month < now.getMonth() + 1)) {
      return "Your card's expiration year is in the past.";
    }
    return null;
  }

  function styleInput(input, width) {
    Object.assign(input.style, {
      border: '0', outline: 'none', background: 'transparent', font: 'inherit', color: 'inherit',
      padding: '0', margin: '0', minWidth: '0', flex: width ? `0 0 ${width}` : '1 1 auto',
    });
  }

  function cardIcon() {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 16');
    svg.setAttribute('width', '24');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    svg.style.flex = '0 0 auto';
    svg.innerHTML = '<rect x=".5" y=".5" width="23" height="15" rx="2" fill="#e3e8ee" stroke="#a3acb9"/>' +
                    '<rect x="0" y="4" width="24" height="3" fill="#a3acb9"/>';
    return svg;
  }

  Element.prototype.mount = function (domElement) {
    if (typeof domElement === 'string') {
      domElement = document.querySelector(domElement);
    }
    if (!(domElement instanceof window.Element)) {
      throw new Error('Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.');
    }
    if (this._domChildren.length) {
      return;
    }
    const row = document.createElement('div');
    Object.assign(row.style, {display: 'flex', alignItems: 'center', gap: '0.5em'});
    const make = (name, placeholder, label, autocomplete, width) => {
      const input = document.createElement('input');
      input.type = 'text';
      input.name = name;
      input.placeholder = placeholder;
      input.autocomplete = autocomplete;
      input.inputMode = 'numeric';
      input.spellcheck = false;
      input.setAttribute('aria-label', label);
      styleInput(input, width);
      row.appendChild(input);
      return input;
    };
    const icon = row.appendChild(cardIcon());
    const number = make('cardnumber', '1234 1234 1234 1234', 'Card number', 'cc-number');
    const expiry = make('exp-date', 'MM / YY', 'Expiration date (MM / YY)', 'cc-exp', '4.75em');
    const cvc = make('cvc', 'CVC', 'Security code (CVC)', 'cc-csc', '3em');
    // On a phone the whole number needs the icon's room.
    new ResizeObserver(() => {
      icon.style.display = row.clientWidth < 330 ? 'none' : '';
    }).observe(row);
    this._inputs = {number, expiry, cvc};

    const update = (event) => {
      const deleting = event && event.inputType && event.inputType.startsWith('delete');
      const target = event && event.target;
      if (target === number) {
        // Keep the caret after the same digit when the number is regrouped.
        const caretDigits = digitsOf(number.value.slice(0, number.selectionStart)).length;
        const digits = digitsOf(number.value).slice(0, NUMBER_DIGITS);
        number.value = groupNumber(digits);
        let caret = 0;
        for (let seen = 0; caret < number.value.length && seen < caretDigits; caret++) {
          if (/\d/.test(number.value[caret])) seen++;
        }
        number.setSelectionRange(caret, caret);
      } else if (target === expiry) {
        // Typing "12 / 2030" passes through "12 / 20", which is in the past: focus stays here
        // until the year is complete, then it is shown as "12 / 30".
        const {month, year} = parseExpiry(expiry.value);
        expiry.value = year ? `${month} / ${year}` : (month.length === 2 && !deleting ? `${month} / ` : month);
      } else if (target === cvc) {
        cvc.value = digitsOf(cvc.value).slice(0, 4);
      }
      const {month, year} = parseExpiry(expiry.value);
      this.value = {
        card: {
          number: digitsOf(number.value),
          exp_month: month,
          exp_year: year.length === 2 ? '20' + year : year,
          cvc: cvc.value,
        },
        postal_code: '',
      };
      const complete = this.value.card.number.length === NUMBER_DIGITS && !expiryProblem(month, year) &&
                       cvc.value.length >= 3;
      domElement.classList.toggle('StripeElement--complete', complete);
      domElement.classList.toggle('StripeElement--empty', !number.value && !expiry.value && !cvc.value);
      // Move on when a part is complete, unless the next part already holds something (a card
      // number typed again after a decline keeps its expiry).
      if (!deleting && target === number && this.value.card.number.length === NUMBER_DIGITS && !expiry.value) {
        expiry.focus();
      } else if (!deleting && target === expiry && year.length === 2 && !expiryProblem(month, year) && !cvc.value) {
        cvc.focus();
      }
      this._emit({complete, empty: domElement.classList.contains('StripeElement--empty'), error: undefined});
    };
    // A part left unfinished is reported when focus leaves it, as Stripe's element does.
    const check = () => {
      const {month, year} = parseExpiry(expiry.value);
      let error;
      if (number.value && digitsOf(number.value).length < NUMBER_DIGITS) {
        error = 'Your card number is incomplete.';
      } else if (expiry.value && expiryProblem(month, year)) {
        error = expiryProblem(month, year);
      }
      domElement.classList.toggle('StripeElement--invalid', Boolean(error));
      this._emit({complete: domElement.classList.contains('StripeElement--complete'),
                  error: error && {type: 'validation_error', message: error}});
    };
    [number, expiry, cvc].forEach((input) => {
      input.addEventListener('input', update);
      input.addEventListener('focus', () => domElement.classList.add('StripeElement--focus'));
      input.addEventListener('blur', () => {
        domElement.classList.remove('StripeElement--focus');
        check();
      });
    });
    domElement.classList.add('StripeElement', 'StripeElement--empty');
    domElement.appendChild(row);
    this._domChildren.push(row);
    update();
  };

  Element.prototype._emit = function (event) {
    (this.listeners.change || []).forEach((handler) => handler({elementType: 'card', ...event}));
  };

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
