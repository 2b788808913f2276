// The built-in JSX runtime: `.tsx` components get real DOM nodes with no framework and no CDN.
// esbuild and `deno check` both use it as the JSX import source (`shinmun-jsx`).
//
// Text children become text nodes, never HTML, and there is deliberately no innerHTML escape
// hatch (no `dangerouslySetInnerHTML`). `on…` props only ever add listeners (a string is
// ignored, so no inline handler attribute can be created), `javascript:` URLs are dropped, and
// so are `data:` URLs (except an <img>'s), `srcdoc` (an iframe's inline document) and SVG
// animations of a URL attribute (`<set attributeName="href" to="javascript:…">`).

export type Child = Node | string | number | bigint | boolean | null | undefined | Child[];
export type Props = { [name: string]: unknown; children?: Child };

const SVG = "http://www.w3.org/2000/svg";
// Set as properties, after the children (a <select>'s value needs its options to exist).
const PROPERTIES = ["value", "checked", "selected", "disabled", "indeterminate"];
const URL_ATTRIBUTE = /^(href|src|action|formaction|xlink:href|data)$/i;
// Tested once tabs and newlines are gone: the URL parser drops them anywhere (`java\tscript:`
// is `javascript:`), and controls and spaces in front.
const SCRIPT_URL = /^[\s\0-\x1f]*(javascript|(data)):/i;
// SVG animations set their target's attribute to any value they like, checked by no one.
const ANIMATION = /^(animate|set|animateTransform)$/;

export const Fragment = (props: { children?: Child }): Node => {
  const fragment = document.createDocumentFragment();
  append(fragment, props.children);
  return fragment;
};

export function jsx(type: string | ((props: Props) => Node), props: Props): Node {
  if (typeof type === "function") return type(props);
  const element = create(type, props.xmlns as string | undefined);
  for (const name in props) {
    if (!PROPERTIES.includes(name)) set(element, name, props[name]);
  }
  append(element, props.children);
  for (const name of PROPERTIES) {
    const value = props[name];
    if (value !== undefined) (element as unknown as Props)[name] = value;
  }
  if (typeof props.ref === "function") props.ref(element);
  return element;
}

export { jsx as jsxDEV, jsx as jsxs };

// JSX builds children before their parent, so an element cannot inherit the namespace of an
// enclosing <svg>. A tag HTML does not know (svg, path, circle, g, ...) is made an SVG element
// instead; an explicit `xmlns` prop decides for tags both know (<a>, <title>) and for MathML.
function create(type: string, xmlns: string | undefined): Element {
  if (xmlns) return document.createElementNS(xmlns, type);
  const element = document.createElement(type);
  return element instanceof HTMLUnknownElement ? document.createElementNS(SVG, type) : element;
}

function set(element: Element, name: string, value: unknown): void {
  if (name === "children" || name === "ref" || name === "xmlns" || value == null) return;
  if (name.startsWith("on")) {
    if (typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    }
  } else if (name === "style" && typeof value === "object") {
    const style = (element as HTMLElement).style;
    for (const [key, item] of Object.entries(value)) {
      if (item == null) continue;
      if (key.includes("-")) style.setProperty(key, String(item));
      else (style as unknown as Props)[key] = item;
    }
  } else if (name.startsWith("aria-") && typeof value === "boolean") {
    element.setAttribute(name, String(value)); // ARIA states are the words "true"/"false"
  } else if (value !== false && !/^srcdoc$/i.test(name)) {
    const attribute = name === "className" ? "class" : name === "htmlFor" ? "for" : name;
    const text = value === true ? "" : String(value);
    const unsafe = URL_ATTRIBUTE.test(attribute) &&
      SCRIPT_URL.exec(text.replace(/[\t\n\r]/g, ""));
    const animatesUrl = attribute === "attributeName" && ANIMATION.test(element.localName) &&
      URL_ATTRIBUTE.test(text.trim());
    if (animatesUrl) return;
    if (!unsafe || (unsafe[2] && element.localName === "img")) {
      element.setAttribute(attribute, text);
    }
  }
}

function append(parent: ParentNode, child: Child): void {
  if (child == null || typeof child === "boolean") return;
  if (Array.isArray(child)) {
    for (const item of child) append(parent, item);
  } else {
    parent.append(child as Node | string); // a string (or number) becomes a text node
  }
}

// Types for `deno check`. Handlers and `ref` are method signatures, so a component may declare
// the narrower type it knows: `ref={(input: HTMLInputElement) => …}`.
interface Attributes {
  children?: Child;
  class?: string;
  className?: string;
  style?: string | { [property: string]: string | number | null | undefined };
  xmlns?: string;
  ref?(element: Element): void;
  onClick?(event: MouseEvent): void;
  onDblClick?(event: MouseEvent): void;
  onMouseDown?(event: MouseEvent): void;
  onMouseUp?(event: MouseEvent): void;
  onMouseEnter?(event: MouseEvent): void;
  onMouseLeave?(event: MouseEvent): void;
  onPointerDown?(event: PointerEvent): void;
  onPointerUp?(event: PointerEvent): void;
  onInput?(event: Event): void;
  onChange?(event: Event): void;
  onSubmit?(event: SubmitEvent): void;
  onReset?(event: Event): void;
  onKeyDown?(event: KeyboardEvent): void;
  onKeyUp?(event: KeyboardEvent): void;
  onFocus?(event: FocusEvent): void;
  onBlur?(event: FocusEvent): void;
  onToggle?(event: Event): void;
  [attribute: string]: unknown;
}

// deno-lint-ignore no-namespace
export declare namespace JSX {
  type Element = Node;
  interface ElementChildrenAttribute {
    children: unknown;
  }
  interface IntrinsicAttributes {
    key?: string | number;
  }
  interface IntrinsicElements {
    [tag: string]: Attributes;
  }
}
