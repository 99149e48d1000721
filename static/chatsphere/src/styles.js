/* The widget's styles, inside its Shadow DOM: the host page's CSS cannot reach them, nor they the page. */

export var CSS =
  ":host{all:initial!important;display:block!important}" +
  "*,*::before,*::after{box-sizing:border-box}" +
  "[hidden]{display:none!important}" +
  ".root{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#111827;" +
  "-webkit-font-smoothing:antialiased;text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none}" +
  "button,textarea{font:inherit;color:inherit;margin:0;letter-spacing:inherit}" +
  "button{cursor:pointer}" +
  ":focus-visible{outline:3px solid var(--ring);outline-offset:2px}" +
  ".launcher{position:fixed;bottom:20px;right:20px;width:58px;height:58px;border-radius:50%;border:0;padding:0;" +
  "background:var(--primary);color:var(--on-primary);box-shadow:0 6px 20px rgba(0,0,0,.28);display:flex;" +
  "align-items:center;justify-content:center;z-index:2}" +
  ".launcher svg{width:26px;height:26px}" +
  ".left .launcher{right:auto;left:20px}" +
  ".waiting .launcher{display:none}" +
  ".panel{position:fixed;bottom:92px;right:20px;width:380px;max-width:calc(100vw - 40px);height:620px;" +
  "max-height:calc(100vh - 112px);background:#fff;border-radius:16px;box-shadow:0 16px 48px rgba(0,0,0,.28);" +
  "display:flex;flex-direction:column;overflow:hidden;z-index:1;border:1px solid #e5e7eb}" +
  ".left .panel{right:auto;left:20px}" +
  ".page .panel,.page.left .panel{top:0;left:0;right:0;bottom:0;width:auto;height:auto;max-width:none;max-height:none;" +
  "border-radius:0;border:0;box-shadow:none}" +
  "@media (max-width:479.98px){.panel,.left .panel{top:0;left:0;right:0;bottom:0;width:auto;height:auto;" +
  "max-width:none;max-height:none;border-radius:0;border:0}.open .launcher{display:none}}" +
  ".head{display:flex;align-items:center;gap:6px;padding:10px 8px 10px 16px;background:var(--primary);" +
  "color:var(--on-primary);flex:none}" +
  ".head h2{margin:0;font-size:16px;font-weight:600;line-height:1.3;flex:1;min-width:0;overflow:hidden;" +
  "text-overflow:ellipsis;white-space:nowrap;color:inherit}" +
  ".icon{width:40px;height:40px;border:0;border-radius:10px;background:transparent;color:inherit;display:flex;" +
  "align-items:center;justify-content:center;padding:0;flex:none}" +
  ".icon:hover{background:rgba(127,127,127,.22)}" +
  ".head :focus-visible{outline-color:var(--on-primary)}" +
  ".notice{flex:none;padding:8px 16px;background:#fffbeb;color:#78350f;font-size:13.5px;display:flex;gap:10px;" +
  "align-items:center;border-bottom:1px solid #fde68a}" +
  ".notice.bad{background:#fef2f2;color:#991b1b;border-color:#fecaca}" +
  ".notice.good{background:#ecfdf5;color:#065f46;border-color:#a7f3d0}" +
  ".notice button{border:1px solid currentColor;background:transparent;border-radius:8px;padding:3px 10px;" +
  "font-size:13px;flex:none;margin-left:auto}" +
  ".log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:12px;background:#fff;" +
  "overscroll-behavior:contain}" +
  ".msg{max-width:88%;padding:9px 13px;border-radius:16px;overflow-wrap:anywhere;word-break:break-word}" +
  ".bot{align-self:flex-start;background:#f3f4f6;color:#111827;border-bottom-left-radius:4px}" +
  ".user{align-self:flex-end;background:var(--primary);color:var(--on-primary);border-bottom-right-radius:4px;" +
  "white-space:pre-wrap}" +
  ".sys{align-self:stretch;text-align:center;color:#991b1b;background:#fef2f2;border-radius:10px;" +
  "padding:8px 12px;font-size:13.5px}" +
  ".sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
  "clip:rect(0 0 0 0);white-space:nowrap;border:0}" +
  ".body>:first-child{margin-top:0}.body>:last-child{margin-bottom:0}" +
  ".body p,.body ul,.body ol,.body pre,.body blockquote{margin:0 0 8px}" +
  ".body ul,.body ol{padding-left:22px}" +
  ".body li{margin:2px 0}" +
  ".body a{color:var(--link);text-decoration:underline}" +
  ".body code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#e5e7eb;" +
  "border-radius:4px;padding:1px 4px}" +
  ".body pre{background:#111827;color:#f9fafb;border-radius:8px;padding:10px;overflow-x:auto}" +
  ".body pre code{background:none;padding:0;color:inherit;white-space:pre}" +
  ".body blockquote{border-left:3px solid #9ca3af;padding-left:10px;color:#374151}" +
  ".cite{font-size:11px;color:#4b5563;vertical-align:super;line-height:0}" +
  ".sources{margin-top:8px;padding-top:8px;border-top:1px solid #d1d5db;font-size:13px;color:#374151}" +
  ".sources h3{margin:0 0 4px;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;" +
  "color:#4b5563}" +
  ".sources ol{margin:0;padding-left:20px}" +
  ".sources li{margin:2px 0}" +
  ".sources a,.sources li>button{color:var(--link);text-decoration:underline;background:none;border:0;padding:0;" +
  "font:inherit;text-align:left;cursor:pointer}" +
  ".cite-link{font:inherit;color:var(--link);background:none;border:0;padding:0 1px;text-decoration:underline;" +
  "cursor:pointer;line-height:1}" +
  // The source dialog covers the panel (the panel fills the screen on phones, so does the dialog).
  ".preview{position:absolute;inset:0;z-index:3;background:#fff;color:#111827;display:flex;flex-direction:column}" +
  ".preview-head{display:flex;align-items:center;gap:8px;padding:10px 8px 6px 16px;" +
  "border-bottom:1px solid #e5e7eb;flex:none}" +
  ".preview-head h3{margin:0;font-size:16px;font-weight:600;line-height:1.3;flex:1;min-width:0;" +
  "overflow-wrap:anywhere}" +
  ".preview-close{width:40px;height:40px;border:0;border-radius:10px;background:transparent;font-size:26px;" +
  "line-height:1;flex:none}" +
  ".preview-close:hover{background:rgba(127,127,127,.22)}" +
  ".preview-details{margin:0;padding:6px 16px;font-size:13px;color:#4b5563;flex:none}" +
  ".preview-details:empty{display:none}" +
  ".preview-text{flex:1;overflow-y:auto;padding:8px 16px 16px;overflow-wrap:anywhere;overscroll-behavior:contain}" +
  ".preview-text p{margin:0 0 10px}" +
  ".preview-text mark{background:#fde68a;color:#111827;border-radius:3px;padding:0 2px}" +
  ".tools{display:flex;gap:4px;margin-top:6px}" +
  ".rate{width:32px;height:32px;border:1px solid #d1d5db;border-radius:8px;background:#fff;color:#374151;" +
  "display:flex;align-items:center;justify-content:center;padding:0}" +
  ".rate svg{width:16px;height:16px}" +
  ".rate[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}" +
  ".rate:disabled{opacity:.6;cursor:default}" +
  ".dots{display:inline-flex;gap:4px;padding:4px 0}" +
  ".dots i{width:7px;height:7px;border-radius:50%;background:#4b5563;animation:cs-b 1.2s infinite ease-in-out}" +
  ".dots i:nth-child(2){animation-delay:.15s}.dots i:nth-child(3){animation-delay:.3s}" +
  "@keyframes cs-b{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}" +
  "@media (prefers-reduced-motion:reduce){.dots i{animation:none}}" +
  ".suggest{display:flex;flex-wrap:wrap;gap:8px;padding:0 16px 10px;flex:none}" +
  ".chip{border:1px solid var(--accent);color:var(--accent);background:#fff;border-radius:999px;padding:6px 12px;" +
  "font-size:13.5px;text-align:left;line-height:1.3}" +
  ".chip:hover{background:#f3f4f6}" +
  ".form{display:flex;gap:8px;align-items:flex-end;padding:10px 12px;border-top:1px solid #e5e7eb;flex:none;" +
  "background:#fff}" +
  ".form textarea{flex:1;resize:none;min-height:42px;max-height:140px;border:1px solid #6b7280;border-radius:12px;" +
  "padding:10px 12px;background:#fff;color:#111827;line-height:1.35;display:block;width:100%}" +
  ".form textarea::placeholder{color:#6b7280;opacity:1}" +
  ".form textarea:focus-visible{outline-offset:0}" +
  ".form textarea:disabled{background:#f3f4f6}" +
  ".sendb{width:42px;height:42px;border:0;border-radius:12px;background:var(--primary);color:var(--on-primary);" +
  "display:flex;align-items:center;justify-content:center;padding:0;flex:none}" +
  ".sendb:disabled{opacity:.55;cursor:default}" +
  ".handoff{display:flex;flex-direction:column;gap:8px;width:88%}" +
  ".htitle{margin:0;font-weight:600}" +
  ".hfield{display:flex;flex-direction:column;gap:3px}" +
  ".hfield label{font-size:13.5px;font-weight:600}" +
  ".hopt{font-weight:400;color:#4b5563}" +
  ".hfield input[type=text],.hfield input[type=email],.hfield textarea{font:inherit;width:100%;border:1px solid #6b7280;" +
  "border-radius:8px;padding:8px 10px;background:#fff;color:#111827;resize:vertical}" +
  ".hfield [aria-invalid=true]{border-color:#b91c1c;border-width:2px}" +
  ".hconsent label{font-weight:400;display:flex;gap:8px;align-items:flex-start}" +
  ".hconsent input{margin-top:3px;width:18px;height:18px;flex:none}" +
  ".herr,.hstatus{margin:0;font-size:13px;color:#991b1b}" +
  ".hactions{display:flex;gap:8px;flex-wrap:wrap}" +
  ".hsend,.hlater{border-radius:10px;padding:8px 14px;font-size:14px;min-height:40px}" +
  ".hsend{border:0;background:var(--primary);color:var(--on-primary)}" +
  ".hsend:disabled{opacity:.6;cursor:default}" +
  ".hlater{border:1px solid #6b7280;background:transparent}" +
  ".hdone{color:#065f46;background:#ecfdf5}" +
  ".count{font-size:12px;color:#4b5563;padding:0 16px 6px;text-align:right;flex:none}" +
  ".foot{font-size:11.5px;color:#4b5563;text-align:center;padding:0 0 6px;flex:none}" +
  // Dark colours (the bot's theme, or its system setting under "auto"): every text pair at 4.5:1 or more.
  ".dark{color:#f3f4f6}" +
  ".dark .panel,.dark .log,.dark .form{background:#111827;border-color:#374151}" +
  ".dark .notice{background:#422006;color:#fde68a;border-color:#713f12}" +
  ".dark .notice.bad,.dark .sys{background:#450a0a;color:#fecaca;border-color:#7f1d1d}" +
  ".dark .notice.good{background:#022c22;color:#a7f3d0;border-color:#065f46}" +
  ".dark .bot{background:#1f2937;color:#f3f4f6}" +
  ".dark .body code{background:#374151}" +
  ".dark .body pre{background:#030712;border:1px solid #374151}" +
  ".dark .body blockquote{border-color:#6b7280;color:#d1d5db}" +
  ".dark .cite,.dark .sources,.dark .sources h3{color:#d1d5db}" +
  ".dark .sources{border-color:#4b5563}" +
  ".dark .preview{background:#111827;color:#f3f4f6}" +
  ".dark .preview-head{border-color:#374151}" +
  ".dark .preview-details{color:#9ca3af}" +
  ".dark .preview-text mark{background:#854d0e;color:#fefce8}" +
  ".dark .rate{background:#1f2937;border-color:#6b7280;color:#e5e7eb}" +
  ".dark .dots i{background:#9ca3af}" +
  ".dark .chip{background:#111827}.dark .chip:hover{background:#1f2937}" +
  ".dark .form textarea{background:#030712;color:#f3f4f6;border-color:#9ca3af}" +
  ".dark .form textarea::placeholder{color:#9ca3af}" +
  ".dark .form textarea:disabled{background:#1f2937}" +
  ".dark .count,.dark .foot{color:#9ca3af}" +
  ".dark .hfield input[type=text],.dark .hfield input[type=email],.dark .hfield textarea{background:#030712;" +
  "color:#f3f4f6;border-color:#9ca3af}" +
  ".dark .hopt{color:#d1d5db}.dark .herr,.dark .hstatus{color:#fecaca}" +
  ".dark .hlater{border-color:#9ca3af}.dark .hdone{background:#022c22;color:#a7f3d0}";
