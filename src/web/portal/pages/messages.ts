import { html, type Html } from '../../html.ts';
import { dateTime } from '../../i18n/format.ts';
import { serviceMessages } from '../../i18n/service-messages.ts';
import type { InboxPage } from '../../api-client.ts';
import { page, type View } from '../layout.ts';
import { badge, hiddenField } from '../parts.ts';
import { paths, PORTAL } from '../paths.ts';

/** A notice's link is followed only when it leads into the portal: nothing in a message can send the customer off-site. */
const portalLink = (p: string | null): string | null => (p && (p === PORTAL || p.startsWith(`${PORTAL}/`) || p.startsWith(`${PORTAL}?`)) && !p.includes('..') ? p : null);

/** 站内信: newest first, unread ones marked; reading is an explicit button (a GET never changes anything). */
export function messagesPage(v: View, inbox: InboxPage): Html {
  const sm = serviceMessages(v.locale);
  const list = inbox.messages.length === 0 ? html`<p class="muted">${sm.messagesEmpty}</p>` : html`<ul class="plain">${inbox.messages.map((msg) => {
    const link = portalLink(msg.actionPath);
    return html`<li class="message${msg.readAt ? '' : ' unread'}" data-testid="message">
<div class="row"><span class="title">${msg.title}</span>${msg.readAt ? '' : badge('open', sm.unreadBadge)}</div>
<p class="small muted">${dateTime(v.locale, msg.createdAt)}</p>
<p>${msg.body}</p>
<div class="row">${link ? html`<a href="${link}">${sm.openAction} ›</a>` : html`<span></span>`}${msg.readAt ? '' : html`<form method="post" action="${paths.messageRead}">${hiddenField('id', msg.id)}<button class="linkbtn small" type="submit">${sm.markRead}</button></form>`}</div>
</li>`;
  })}</ul>`;
  return page(v, { title: sm.messagesTitle, tab: 'home', nav: true }, html`<h1>${sm.messagesTitle}</h1>
<p class="small muted" data-testid="unread">${sm.messagesUnread(inbox.unread)}</p>
<section class="card">${list}</section>
${inbox.next ? html`<p class="center"><a href="${paths.messagesBefore(inbox.next)}">${sm.olderMessages}</a></p>` : ''}`);
}
