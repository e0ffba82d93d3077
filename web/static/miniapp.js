// Telegram opens the Mini App with its signed initData in the address's fragment
// (#tgWebAppData=…): read it there (no script from telegram.org is needed) and sign in.
(function () {
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var data = hash.get("tgWebAppData");
  if (!data && window.Telegram && window.Telegram.WebApp) data = window.Telegram.WebApp.initData;
  if (!data) { document.getElementById("not-telegram").hidden = false; return; }
  document.getElementById("init-data").value = data;
  document.getElementById("telegram-sign-in").submit();
})();
