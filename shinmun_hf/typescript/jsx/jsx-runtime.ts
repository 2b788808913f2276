// A tiny JSX runtime that builds real DOM nodes: `.tsx` components need no framework and no CDN.
// Text is always inserted as text nodes, never parsed as HTML, and there is deliberately no
// innerHTML escape hatch.

type Child = Node | string | number | boolean | null | undefined | Child[];
type Props = Record<string, unknown> & { children?: Child };
type Component = (props: Props) => Node;

const SVG = "http://www.w3.org/2000/svg";
const PROPERTIES = new Set(["value", "checked", "disabled", "selected", "indeterminate"]);

export const Fragment = (props: { children?: Child }): Node => {
  const fragment = document.createDocumentFragment();
  append(fragment, props.children);
  return fragment;
};

export function jsx(type: string | Component, props: Props): Node {
  if (typeof type === "function") return type(props);
  const svg = type === "svg" || inSvg;
  const element = svg ? document.createElementNS(SVG, type) : document.createElement(type);
  const outer = inSvg;
  inSvg = svg && type !== "foreignObject";
  for (const name in props) {
    if (name !== "children" && !PROPERTIES.has(name)) setProp(element, name, props[name]);
  }
  append(element, props.children);
  // properties after the children: a <select>'s value needs its options to exist
  for (const name of PROPERTIES) if (name in props) setProp(element, name, props[name]);
  inSvg = outer;
  if (typeof props.ref === "function") props.ref(element);
  return element;
}

export { jsx as jsxs, jsx as jsxDEV };

let inSvg = false;

function setProp(element: Element, name: string, value: unknown): void {
  if (name === "ref" || value === undefined || value === null || value === false) return;
  if (name[0] === "o" && name[1] === "n" && typeof value === "function") {
    element.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
  } else if (name === "style" && typeof value === "object") {
    Object.assign((element as HTMLElement).style, value);
  } else if (PROPERTIES.has(name)) {
    (element as unknown as Record<string, unknown>)[name] = value;
  } else {
    const attribute = name === "className" ? "class" : name === "htmlFor" ? "for" : name;
    element.setAttribute(attribute, value === true ? "" : String(value));
  }
}

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || typeof child === "boolean") return;
  if (Array.isArray(child)) {
    for (const item of child) append(parent, item);
  } else {
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

type Handler<E extends Event> = (event: E) => void;
type Common = {
  children?: Child;
  ref?: (element: Element) => void;
  class?: string;
  className?: string;
  style?: string | Partial<CSSStyleDeclaration>;
  onClick?: Handler<MouseEvent>;
  onInput?: Handler<Event>;
  onChange?: Handler<Event>;
  onSubmit?: Handler<SubmitEvent>;
  onKeyDown?: Handler<KeyboardEvent>;
  onKeyUp?: Handler<KeyboardEvent>;
  onFocus?: Handler<FocusEvent>;
  onBlur?: Handler<FocusEvent>;
  [attribute: string]: unknown;
};

// deno-lint-ignore no-namespace
export declare namespace JSX {
  type Element = Node;
  interface ElementChildrenAttribute {
    children: Child;
  }
  interface IntrinsicElements {
    [tag: string]: Common;
  }
}
