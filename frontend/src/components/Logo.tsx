export function Logo() {
  return (
    <span className="logo">
      <span className="logo-mark" aria-hidden="true">
        E
      </span>
      <span className="logo-text">Epox</span>
    </span>
  );
}
