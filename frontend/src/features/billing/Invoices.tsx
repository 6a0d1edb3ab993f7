import { Badge, type BadgeTone, Button, Card, EmptyState, ErrorState, LoadingBlock, Table } from '@/components/ui';
import { formatDate } from '@/lib/format';

import { type Invoice, useInvoices } from './hooks';
import { ExternalIcon, ReceiptIcon } from './icons';
import { formatMoney } from './plans';

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  paid: { label: 'Paid', tone: 'success' },
  open: { label: 'Due', tone: 'warning' },
  draft: { label: 'Draft', tone: 'neutral' },
  void: { label: 'Void', tone: 'neutral' },
  uncollectible: { label: 'Uncollectible', tone: 'danger' },
};

const REASONS: Record<string, string> = {
  subscription_create: 'New subscription',
  subscription_cycle: 'Renewal',
  subscription_update: 'Plan change',
  manual: 'One-off',
};

function period(invoice: Invoice): string {
  if (!invoice.period_start || !invoice.period_end || invoice.period_start === invoice.period_end) return '—';
  return `${formatDate(invoice.period_start)} – ${formatDate(invoice.period_end)}`;
}

/** The workspace's invoices, newest first, with links to Stripe's hosted page and the PDF. */
export function Invoices() {
  const invoices = useInvoices();
  const rows = invoices.data?.pages.flatMap((page) => page.items) ?? [];

  let body;
  if (invoices.isPending) body = <LoadingBlock label="Loading invoices" />;
  else if (invoices.isError)
    body = (
      <ErrorState error={invoices.error} what="invoices" onRetry={() => void invoices.refetch()} retrying={invoices.isFetching} />
    );
  else if (rows.length === 0)
    body = (
      <EmptyState
        icon={<ReceiptIcon />}
        title="No invoices yet"
        description="Your plan's invoices appear here once you've subscribed. Credit packs are paid once, at checkout."
      />
    );
  else
    body = (
      <>
        <Table
          caption="Invoices"
          head={
            <tr>
              <th scope="col">Invoice</th>
              <th scope="col">Date</th>
              <th scope="col">Period</th>
              <th scope="col" className="cell-number">
                Amount
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Links</span>
              </th>
            </tr>
          }
        >
          {rows.map((invoice) => {
            const status = STATUS[invoice.status] ?? { label: invoice.status, tone: 'neutral' as const };
            const amount = invoice.status === 'paid' ? invoice.amount_paid : invoice.amount_due;
            return (
              <tr key={invoice.id}>
                <td>
                  <span className="invoice-number">{invoice.number ?? invoice.stripe_invoice_id}</span>
                  {invoice.billing_reason && (
                    <span className="invoice-reason">{REASONS[invoice.billing_reason] ?? invoice.billing_reason}</span>
                  )}
                </td>
                <td>{formatDate(invoice.created)}</td>
                <td className="invoice-period">{period(invoice)}</td>
                <td className="cell-number">{formatMoney(amount, invoice.currency)}</td>
                <td>
                  <Badge tone={status.tone}>{status.label}</Badge>
                </td>
                <td className="invoice-links">
                  {invoice.hosted_invoice_url && (
                    <a
                      href={invoice.hosted_invoice_url}
                      target="_blank"
                      rel="noreferrer"
                      aria-label={`View invoice ${invoice.number ?? ''} (opens in a new tab)`}
                    >
                      View <ExternalIcon width={14} height={14} />
                    </a>
                  )}
                  {invoice.invoice_pdf && (
                    <a href={invoice.invoice_pdf} target="_blank" rel="noreferrer" aria-label={`Download invoice ${invoice.number ?? ''} as PDF`}>
                      PDF
                    </a>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
        {invoices.hasNextPage && (
          <div className="list-more">
            <Button onClick={() => void invoices.fetchNextPage()} loading={invoices.isFetchingNextPage}>
              Load more
            </Button>
          </div>
        )}
      </>
    );

  return (
    <Card title="Invoices" description="Your subscription's invoices, from Stripe." className="invoices-card">
      {body}
    </Card>
  );
}
