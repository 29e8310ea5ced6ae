// Checkout card form: Stripe.js collects the card and confirms the PaymentIntent; the page we
// return to asks Stripe (server-side) what happened, so nothing here decides that an order is paid.
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  const stripe = Stripe(form.dataset.publishableKey);
  // One row (number, MM / YY, CVC) and no postal code: we do not ask for a billing address.
  const card = stripe.elements().create("card", {
    hidePostalCode: true,
    style: {base: {fontSize: "16px", fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"}},
  });
  card.mount("#card-element");
  const errors = document.getElementById("card-errors");
  // Stripe reports a part left incomplete or invalid as the learner types; show it straight away.
  card.on("change", function (event) {
    errors.textContent = event.error ? event.error.message : "";
  });
  const button = document.getElementById("pay-button");
  const label = button.textContent;

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    errors.textContent = "";
    button.disabled = true;
    button.textContent = "Paying…";
    const result = await stripe.confirmCardPayment(form.dataset.clientSecret, {payment_method: {card: card}});
    if (result.error) {
      errors.textContent = result.error.message || "Your payment could not be completed.";
      button.disabled = false;
      button.textContent = label;
      return;
    }
    window.location.assign(form.dataset.returnUrl);
  });
})();
