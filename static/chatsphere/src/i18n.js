/* The widget's visible texts, the choice of language, and the sentences shown for errors. */

// To add a language, copy the `en` block under its code; it is then chosen by `data-lang` or the
// visitor's browser language.
export var STRINGS = {
  en: {
    open: "Open chat",
    close: "Close chat",
    chat: "Chat",
    log: "Conversation",
    input: "Your message",
    placeholder: "Ask a question…",
    send: "Send",
    newChat: "Start a new conversation",
    typing: "The assistant is typing…",
    sources: "Sources",
    page: "page {n}",
    sourceName: "source {n}: {title}",
    sourceNumber: "source {n}",
    closeSource: "Close the source",
    passage: "Cited passage",
    cited: "Cited:",
    loadingSource: "Loading the passage…",
    sourceUnavailable: "This source can't be shown.",
    helpful: "Helpful",
    unhelpful: "Not helpful",
    thanks: "Thanks for your feedback!",
    suggested: "Suggested questions",
    connecting: "Connecting…",
    reconnecting: "Connection lost. Reconnecting in {s} s…",
    reconnectNow: "Reconnect now",
    reconnected: "Connected again.",
    offline: "You are offline. The chat will reconnect when you are back online.",
    unavailable: "Sorry, this chat is not available on this website.",
    unreachable: "The chat service can't be reached right now. Please try again later.",
    retry: "Try again",
    rateLimited: "You're sending messages quickly. Please wait {s} seconds and try again.",
    busy: "Please wait until the current answer is finished.",
    tooLong: "Your message is too long: at most {n} characters.",
    empty: "Type a message first.",
    quota: "The assistant can't answer more questions this month. Please contact the site owner.",
    blocked: "Sorry, the assistant can't answer that question.",
    failed: "Sorry, the assistant couldn't answer just now. Please try again in a moment.",
    interrupted: "The connection was lost before the answer was finished. Please ask again.",
    charsLeft: "{n} characters left",
    you: "You",
    bot: "Assistant",
    poweredBy: "Chat powered by ChatSphere",
    handoffTitle: "Leave your details and our team will get back to you.",
    handoffRequest: "Would you like to talk to a person? Leave your details and our team will get back to you.",
    handoffSend: "Send to the team",
    handoffSending: "Sending…",
    handoffLater: "Not now",
    handoffSent: "Thank you! Your details were sent; the team will contact you soon.",
    handoffRequired: "{label}: this field is required.",
    handoffEmail: "Enter a valid e-mail address, like name@example.com.",
    handoffTooLong: "{label}: at most {n} characters.",
    handoffConsent: "Tick the box to agree before sending.",
    handoffErrors: "Please correct the highlighted fields.",
    handoffRetrying: "Could not send your details. Trying again in {s} s…",
    handoffFailed: "Could not send your details. Your answers are kept: please try again.",
    handoffLimited: "You have already sent several requests. Please wait {s} seconds before sending another.",
    handoffClosed: "The contact form is no longer available.",
    optional: "optional",
  },
  fr: {
    open: "Ouvrir la discussion",
    close: "Fermer la discussion",
    chat: "Discussion",
    log: "Conversation",
    input: "Votre message",
    placeholder: "Posez une question…",
    send: "Envoyer",
    newChat: "Commencer une nouvelle conversation",
    typing: "L’assistant écrit…",
    sources: "Sources",
    page: "page {n}",
    sourceName: "source {n} : {title}",
    sourceNumber: "source {n}",
    closeSource: "Fermer la source",
    passage: "Passage cité",
    cited: "Cité :",
    loadingSource: "Chargement du passage…",
    sourceUnavailable: "Cette source ne peut pas être affichée.",
    helpful: "Utile",
    unhelpful: "Pas utile",
    thanks: "Merci pour votre avis !",
    suggested: "Questions suggérées",
    connecting: "Connexion…",
    reconnecting: "Connexion perdue. Nouvelle tentative dans {s} s…",
    reconnectNow: "Se reconnecter",
    reconnected: "De nouveau connecté.",
    offline: "Vous êtes hors ligne. La discussion reprendra dès votre retour en ligne.",
    unavailable: "Désolé, cette discussion n’est pas disponible sur ce site.",
    unreachable: "Le service de discussion est injoignable pour le moment. Réessayez plus tard.",
    retry: "Réessayer",
    rateLimited: "Vous envoyez des messages trop vite. Patientez {s} secondes puis réessayez.",
    busy: "Veuillez attendre la fin de la réponse en cours.",
    tooLong: "Votre message est trop long : {n} caractères au maximum.",
    empty: "Écrivez d’abord un message.",
    quota: "L’assistant ne peut plus répondre ce mois-ci. Contactez le propriétaire du site.",
    blocked: "Désolé, l’assistant ne peut pas répondre à cette question.",
    failed: "Désolé, l’assistant n’a pas pu répondre. Réessayez dans un instant.",
    interrupted: "La connexion a été perdue avant la fin de la réponse. Posez la question à nouveau.",
    charsLeft: "{n} caractères restants",
    you: "Vous",
    bot: "Assistant",
    poweredBy: "Discussion propulsée par ChatSphere",
    handoffTitle: "Laissez vos coordonnées et notre équipe vous recontactera.",
    handoffRequest: "Vous souhaitez parler à une personne ? Laissez vos coordonnées et notre équipe vous recontactera.",
    handoffSend: "Envoyer à l’équipe",
    handoffSending: "Envoi…",
    handoffLater: "Plus tard",
    handoffSent: "Merci ! Vos coordonnées ont été envoyées ; l’équipe vous contactera bientôt.",
    handoffRequired: "{label} : ce champ est obligatoire.",
    handoffEmail: "Saisissez une adresse e-mail valide, comme nom@exemple.com.",
    handoffTooLong: "{label} : {n} caractères au maximum.",
    handoffConsent: "Cochez la case pour donner votre accord avant l’envoi.",
    handoffErrors: "Veuillez corriger les champs signalés.",
    handoffRetrying: "L’envoi a échoué. Nouvel essai dans {s} s…",
    handoffFailed: "L’envoi a échoué. Vos réponses sont conservées : veuillez réessayer.",
    handoffLimited: "Vous avez déjà envoyé plusieurs demandes. Veuillez patienter {s} secondes avant d’en envoyer une autre.",
    handoffClosed: "Le formulaire de contact n’est plus disponible.",
    optional: "facultatif",
  },
};

// The first of the wanted language tags (most preferred first) that has a translation, else English.
export function pickLanguage(wanted) {
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i] || "").toLowerCase().split(/[-_]/)[0];
    if (Object.prototype.hasOwnProperty.call(STRINGS, code)) return code;
  }
  return "en";
}

// `s(name, {n: 3})`: the text in `lang` (English where a translation lacks it), placeholders filled.
export function translator(lang) {
  return function (name, values) {
    var text = (STRINGS[lang] && STRINGS[lang][name]) || STRINGS.en[name] || name;
    return text.replace(/\{(\w+)\}/g, function (_, k) {
      return values && values[k] != null ? String(values[k]) : "";
    });
  };
}

// The sentence shown for an `error` event from the server.
export function errorText(event, s, maxChars) {
  switch (event.code) {
    case "rate_limited":
      return s("rateLimited", { s: event.retry_after || 30 });
    case "busy":
      return s("busy");
    case "message_too_long":
      return s("tooLong", { n: maxChars });
    case "empty_message":
      return s("empty");
    case "quota_exceeded":
      return s("quota");
    case "answer_blocked":
      return s("blocked");
    case "bot_unavailable":
      return s("unavailable");
    default:
      return s("failed");
  }
}
