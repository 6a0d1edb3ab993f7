import type { ReactNode } from 'react';

interface TableProps {
  /** Read by screen readers as the table's name. */
  caption: string;
  head: ReactNode;
  children: ReactNode;
}

export function Table({ caption, head, children }: TableProps) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>{head}</thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
