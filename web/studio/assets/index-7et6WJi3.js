const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/newtask-DsEzhU6v.js","assets/newdataset-VVilHuv1.js"])))=>i.map(i=>d[i]);
var e,t,n,r,i,a,o,s,c,l,u=Symbol.for(`pv`),d={},f=[],p=/^m(i|n|o|s|text|space)$/,m=Array.isArray,h=f.slice,g=Object.assign;function _(e){e&&e.parentNode&&e.remove()}function v(e,t,n){var r,i,a,o={},s=arguments.length;for(a in t)a==`key`?r=t[a]:a==`ref`&&typeof e!=`function`?i=t[a]:o[a]=t[a];return s>2&&(o.children=s>3?h.call(arguments,2):n),y(e,o,r,i,null)}function y(n,r,i,a,o){var s={type:n,props:r,key:i,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:u,__v:o||++t,__i:-1,__u:0};return!o&&e.vnode&&e.vnode(s),s}function b(e){return e.children}function x(e,t){this.props=e,this.context=t,this.__g=0}function S(e,t){if(t==null)return e.__&&S(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!=`function`||e.props.__P?null:S(e)}function C(t){var n,r=t.__v,i=r.__e,a=[],o=[],s=t.__P;s&&((n=g({constructor:u},r)).__v=r.__v+1,e.vnode&&e.vnode(n),ne(s,n,r,t.__n,s.namespaceURI,32&r.__u?[i]:null,a,i||S(r),32&r.__u,o),n.__v=r.__v,n.__.__k[n.__i]=n,N(a,n,o),r.__=r.__e=null,n.__e!=i&&w(n))}function w(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),w(e)}function T(t){(8&t.__g||(t.__g|=8,n.push(t),i++))&&r==e.debounceRendering||((r=e.debounceRendering)||queueMicrotask)(E)}function E(){try{for(var e,t=1;n.length;)n.length>t&&n.sort(a),e=n.shift(),t=n.length,8&e.__g&&C(e)}finally{(i=n.length)&&(r||queueMicrotask)(E)}}function D(e,t,n,r,i,a,o,s,c,l,u){var p,m,h,g,_,v,y=r.__k||f,b=t.length;for(c=O(n,t,y,c,b),p=0;p<b;p++)(h=n.__k[p])!=null&&(m=~h.__i&&y[h.__i]||d,h.__i=p,v=ne(e,h,m,i,a,o,s,c,l,u),g=h.__e,(m.ref!=h.ref||8&m.__u)&&(m.ref&&P(m.ref,null,h,m),h.ref&&u.push(h.ref,h.__c||g,h)),_||=g,4&h.__u?(c=k(h,c,e,!m.__v),m.__e&&(m.__e=null)):typeof h.type==`function`&&v!==void 0?c=v:g&&(c=g.nextSibling),h.__u&=-21);return n.__e=_,c}function O(e,t,n,r,i){var a,o,s,c,l,d,f,p,h,g=n.length,_=g,v=0,x=0,C=e.__k=Array(i);for(a=0;a<i;a++)(o=t[a])!=null&&typeof o!=`boolean`&&typeof o!=`function`?(typeof o!=`object`||o.constructor===String?o=C[a]=y(null,o):m(o)?o=C[a]=y(b,{children:o}):o.constructor===u&&o.__b?o=C[a]=y(o.type,o.props,o.key,o.ref,o.__v):C[a]=o,c=a+v,o.__=e,o.__b=e.__b+1,s=null,~(l=o.__i=ee(o,n,c,_))&&(_--,(s=n[l])&&(s.__u|=2)),s&&s.__v?(o.__u|=16,l==c-1?v--:l==c+1?v++:l!=c&&(l>c?v--:v++,x=1)):(~l||(i>g?v--:i<g&&v++),typeof o.type!=`function`&&(o.__u|=4))):C[a]=null;if(x){for(d=[],f=[],a=0;a<i;a++)if((o=C[a])&&16&o.__u){for(v=0,p=d.length;v<p;)d[h=v+p>>1]<o.__i?v=h+1:p=h;d[v]=o.__i,f[a]=v+1}for(v=d.length;a--;)f[a]&&(f[a]==v?v--:C[a].__u|=4)}if(_)for(a=0;a<g;a++)!(s=n[a])||2&s.__u||(s.__e==r&&(r=S(s)),oe(s,s));return r}function k(e,t,n,r){var i,a,o,s;if(typeof e.type==`function`){if(e.props.__P)return t;if(i=e.__k)for(a=0;a<i.length;a++)i[a]&&(i[a].__=e,t=k(i[a],t,n,!1));return t}for(t&&!t.parentNode&&(t=S(e))&&!t.parentNode&&(t=null),o=e.__e,s=t;s&&s.nodeType==8;)s=s.nextSibling;for(o!=s&&(!r&&n.moveBefore&&o.parentNode?n.moveBefore(o,t):n.insertBefore(o,t||null)),t=o;(t&&=t.nextSibling)&&t.nodeType==8&&!t.data.startsWith(`$s`););return t}function A(e,t){return t||=[],e!=null&&typeof e!=`boolean`&&(m(e)?e.some(function(e){A(e,t)}):t.push(e)),t}function ee(e,t,n,r){var i,a=e.key,o=e.type,s=t[n],c=s&&!(2&s.__u);if(s===null&&a==null||c&&a==s.key&&o==s.type)return n;if(r>+!!c){for(i=n-1;i>=0;i--)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i;for(i=n+1;i<t.length;i++)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i}return-1}function te(e,t,n){n??=``,t[0]==`-`?e.setProperty(t,n):e[t]=n}function j(e,t,n,r,i){var a,o;if(t==`style`){if(typeof n==`string`)e.style.cssText=n;else{if(typeof r==`string`&&(e.style.cssText=r=``),r)for(t in r)n&&t in n||te(e.style,t);if(n)for(t in n)r&&n[t]==r[t]||te(e.style,t,n[t])}}else if(t[0]==`o`&&t[1]==`n`)typeof n!=`function`&&(n=null),typeof r!=`function`&&(r=null),(e.__e||={})[t]=n,n&&r||(o=l[t]||(l[t]=M(t)),(e.__a||={})[t]=c,a=t!=(t=t.replace(s,`$1`)),(t=t.slice(2))[0]<`a`&&(t=t.toLowerCase()),n?e.addEventListener(t,o,a):e.removeEventListener(t,o,a));else{if(i==`http://www.w3.org/2000/svg`)t=t.replace(/xlink(H|:h)/,`h`).replace(/sName$/,`s`);else if(t!=`width`&&t!=`height`&&t!=`href`&&t!=`list`&&t!=`form`&&t!=`tabIndex`&&t!=`download`&&t!=`rowSpan`&&t!=`colSpan`&&t!=`role`&&t!=`popover`&&t in e)try{e[t]=n??``;return}catch{}if(typeof n==`function`)return;n==null||!1===n&&t[4]!=`-`?e.removeAttribute(t):e.setAttribute(t,t==`popover`&&n==1?``:n)}}function M(t){return function(n){var r=this.__e;if(r){if(r=r[t],n[o]==null)n[o]=c++;else if(n[o]<this.__a[t])return;return r(e.event?e.event(n):n)}}}function ne(t,n,r,i,a,o,s,c,l,d){var p,h,v,y,C,w,T,E,O,k,A,ee,te,j,M,ne,N,P,F=n.type;if(n.constructor!==u)return null;128&r.__u&&(l=32&r.__u,p=r.__c.__z)&&(n.__u|=l,h=o=[],p.nodeType==8?c=re(p,o):o.push(p),c=o[0]||c),(p=e.__b)&&p(n);e:if(typeof F==`function`){v=s.length;try{if(E=n.props,O=(p=F.prototype)&&p.render,k=(p=F.contextType)&&i[p.__c],A=p?k?k.props.value:p.__:i,(y=r.__c)?(n.__c=y,2&y.__g&&(y.__g|=1)):(O?n.__c=y=new F(E,A):(n.__c=y=new x(E,A),y.constructor=F,y.render=se),k&&k.sub(y),y.state||(y.state={}),y.__n=i,y.__g|=8,y.__h=[],y.__k=[]),O&&(y.__s||(y.__s=y.state),F.getDerivedStateFromProps&&(y.__s==y.state&&(y.__s=g({},y.__s)),g(y.__s,F.getDerivedStateFromProps(E,y.__s)))),C=y.props,w=y.state,y.__v=n,r.__c){if(E!==C&&O&&!F.getDerivedStateFromProps&&y.componentWillReceiveProps&&y.componentWillReceiveProps(E,A),n.__v==r.__v&&!(8&y.__g)||!(4&y.__g)&&y.shouldComponentUpdate&&!1===y.shouldComponentUpdate(E,y.__s,A)){n.__v!=r.__v&&(y.props=E,y.state=y.__s,y.__g&=-9),n.__e=r.__e,n.__k=r.__k,n.__k.some(function(e){e&&(e.__=n)}),f.push.apply(y.__h,y.__k),y.__k=[],y.__h.length&&s.push(y),c=S(r);break e}y.componentWillUpdate&&y.componentWillUpdate(E,y.__s,A),O&&y.componentDidUpdate&&y.__h.push(function(){y.componentDidUpdate(C,w,T)})}else O&&!F.getDerivedStateFromProps&&y.componentWillMount&&y.componentWillMount(),O&&y.componentDidMount&&y.__h.push(y.componentDidMount);y.context=A,y.props=E,y.__P=t,y.__g&=-5,ee=e.__r,te=O?25:0;do y.__g&=-9,ee&&ee(n),p=y.render(y.props,y.state=y.__s,y.context);while(8&y.__g&&++te<25);O&&(f.push.apply(y.__h,y.__k),y.__k=[]),y.state=y.__s,y.getChildContext&&(i=g({},i,y.getChildContext())),O&&r.__c&&y.getSnapshotBeforeUpdate&&(T=y.getSnapshotBeforeUpdate(C,w)),j=p&&p.type===b&&p.key==null?p.props.children:p,E.__P&&(p=c,a=(t=E.__P).namespaceURI,l=o=null,r.props&&r.props.__P!=t&&(r.__k.some(function(e){e&&oe(e,e)}),r.__k=null),c=r.__k?S(r,0):null),c=D(t,m(j)?j:[j],n,r,i,a,o,s,c,l,d),E.__P&&(n.__e=null,c=p),n.__u&=-161,h&&h.some(_),y.__h.length&&s.push(y),1&y.__g&&(y.__g&=-4)}catch(t){if(s.length=v,n.__v=null,l||o){if(t&&t.then){if(n.__u|=128|l,o){for(~(N=o.indexOf(c||void 0))||(N=o.length);(P=o[N-1])&&P.nodeType==8;)N--;for(;N<o.length;N++)if(P=o[N]){if(o[N]=null,M){if(P==ne)break}else{if(P.nodeType!=8)break;P.data.startsWith(`$s`)&&(ne=re(M=P))}}}if(!M){for(;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;M=c}(p=re(M=n.__c.__z||(n.__c.__z=M)))?(n.__e=M,c=p):n.__e=c,c&&=c.nextSibling}else o&&o.some(_)}else n.__e=r.__e;n.__k||=r.__k||[],t&&t.then||ie(n),e.__e(t,n,r)}}else c=n.__e=ae(r.__e,n,r,i,a,o,s,l,d,t);return(p=e.diffed)&&p(n),c}function re(e,t){if(e&&e.nodeType==8&&e.data.startsWith(`$s`))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith(`$s`))n++;else if(e.data.startsWith(`/$s`)&&!--n)return e}t&&t.push(e)}}function ie(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ie))}function N(t,n,r){for(var i=0;i<r.length;)P(r[i++],r[i++],r[i++]);e.__c&&e.__c(n,t),t.some(function(n){try{t=n.__h,n.__h=[],t.some(function(e){e.call(n)})}catch(t){e.__e(t,n.__v)}})}function ae(t,n,r,i,a,o,s,c,l,u){var f,g,v,y,b,x,C,w,T=r.props||d,E=n.props,O=n.type;if(O==`svg`?a=`http://www.w3.org/2000/svg`:O==`math`?a=`http://www.w3.org/1998/Math/MathML`:a||=`http://www.w3.org/1999/xhtml`,o){for(f=0;f<o.length;f++)if((b=o[f])&&(O?b.localName==O:b.nodeType==3)){t=b,o[f]=null;break}}if(!t){if(w=u.ownerDocument||document,!O)return w.createTextNode(E);t=w.createElementNS(a,O,E.is?E:u),c&&=(e.__m&&e.__m(n,o),!1),o=null}if(O){if(u=O==`template`&&t.content||t,o=O==`textarea`&&E.defaultValue!=null?null:o&&h.call(u.childNodes),!c&&o)for(T={},f=0;f<t.attributes.length;f++)T[(b=t.attributes[f]).name]=b.value;for(f in T)b=T[f],f==`dangerouslySetInnerHTML`?v=b:f==`children`||f in E||f==`value`&&`defaultValue`in E||f==`checked`&&`defaultChecked`in E||j(t,f,null,b,a);for(f in E)b=E[f],f==`children`?y=b:f==`dangerouslySetInnerHTML`?g=b:f==`value`?x=b:f==`checked`?C=b:c&&typeof b!=`function`||T[f]===b||j(t,f,b,T[f],a);g?(c||v&&(g.__html==v.__html||g.__html==t.innerHTML)||(t.innerHTML=g.__html),n.__k=[]):(v&&(t.textContent=``),(O==`foreignObject`||a==`http://www.w3.org/1998/Math/MathML`&&p.test(O))&&(a=`http://www.w3.org/1999/xhtml`),D(u,m(y)?y:[y],n,r,i,a,o,s,o?o[0]:r.__k&&S(r,0),c,l),o&&o.some(_)),c&&O!=`textarea`||(f=`value`,O==`progress`&&x==null?t.removeAttribute(f):x==null||x===t[f]&&(O!=`progress`||x)||j(t,f,x,T[f],a),f=`checked`,C!=null&&C!=t[f]&&j(t,f,C,T[f],a))}else T===E||c&&t.data==E||(t.data=E);return t}function P(t,n,r,i){try{typeof t==`function`?n?n.__x=t(n)||1:(i&&=i.__c||i.__e)&&(n=i.__x)&&(i.__x=null,typeof n==`function`?n():t(null)):t.current=n}catch(t){e.__e(t,r)}}function oe(t,n,r){var i,a,o,s;if(e.unmount&&e.unmount(t),!(i=t.ref)||i.current&&i.current!=t.__e||P(i,null,n,t),i=t.__c){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(t){e.__e(t,n)}i.__P=i.__n=null}if(i=t.__k)for(s=0;s<i.length;s++)i[s]&&oe(i[s],n,typeof t.type!=`function`||r&&!t.props.__P);!r&&(i=t.__c)&&(i=i.__z)&&(a=re(i,o=[]))&&(i==t.__e&&o.some(_),_(a),_(i)),r||_(t.__e),t.__e=t.__c=t.__=null}function se(e,t,n){return this.constructor(e,n)}function F(t,n){var r,i,a,o;e.__&&e.__(t,n),n.nodeType==9&&(n=n.documentElement),i=(r=t&&32&t.__u)?null:n.__k,n.__k=y(b,{children:[t]}),a=[],o=[],ne(n,n.__k,i||d,d,n.namespaceURI,i?null:n.firstChild?h.call(n.childNodes):null,a,i?i.__e:n.firstChild,r,o),N(a,n.__k,o),n.__k.props.children=null}e={__e:function(e,t,n,r){for(var a,o,s;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((s=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,r||{}),s=1),s&&8&a.__g)return void(a.__g|=2)}catch(t){e=t}}throw i=0,e}},t=0,x.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=g({},this.state)),typeof e==`function`&&(e=e(g({},n),this.props)),e&&(g(n,e),this.__v&&(t&&this.__k.push(t),T(this)))},x.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),T(this))},x.prototype.render=b,n=[],i=0,a=function(e,t){return e.__v.__b-t.__v.__b},o=Symbol(),s=/(PointerCapture)$|Capture$/i,c=0,l={};var ce,I,le,ue,de=Object.is,fe=0,pe=[],me=[],L=e,he=L.__b,ge=L.__r,_e=L.diffed,ve=L.__c,ye=L.unmount,be=L.__;function xe(e,t){L.__h&&L.__h(I,e,fe||t),fe=0;var n=I.__H||(I.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function R(e){return fe=1,Se(Me,e)}function Se(e,t,n){var r=xe(ce++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):Me(void 0,t),function(e){var t=(r.__N||r.__)[0],n=r.t(t,e);de(t,n)||(r.__N=[n,r.__[1]],r.__c.setState({}))}],r.__c=I,!I.__f)){I.__f=!0;var i=I.shouldComponentUpdate;I.shouldComponentUpdate=function(e,t,n){var r=this.__H;if(!r)return!0;var a=!1,o=this.props!=e;if(r.__.some(function(e){e.__N&&(a=!0,de(e.__[0],e.__N[0])||(o=!0))}),i){var s=i.call(this,e,t,n);return a?s||o:s}return!a||o}}return r.__}function z(e,t){var n=xe(ce++,3);!L.__s&&je(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,I.__H.__h.push(n))}function Ce(e){return fe=5,B(function(){return{current:e}},[])}function B(e,t){var n=xe(ce++,7);return je(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function we(e,t){return fe=8,B(function(){return e},t)}function Te(){var e;do{for(;e=me.shift();)try{ke(e)}catch(t){L.__e(t,{__:(e=e.__P)&&e.__v})}for(;e=pe.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(ke),t.__h.some(Ae),t.__h=[]}catch(n){t.__h=[],L.__e(n,e.__v)}}}while(me.length)}L.__b=function(e){I=null,he&&he(e)},L.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),be&&be(e,t)},L.__r=function(e){ge&&ge(e),ce=0;var t=(I=e.__c).__H;t&&(le==I?I.__h=[]:(t.__h.some(ke),t.__h.some(Ae),ce=0),t.__h=[],t.__.some(function(e){e.__N&&(e.__=e.__N),e.u=e.__N=void 0})),le=I},L.diffed=function(e){_e&&_e(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&Oe(pe.push(t)),t.__H.__.some(function(e){e.u&&(e.__H=e.u)})),le=I=null},L.__c=function(e,t){t.some(function(e){try{e.__h.some(ke),e.__h=e.__h.filter(function(e){return!e.__||Ae(e)})}catch(t){e.__h=[function(){throw t}]}}),ve&&ve(e,t)},L.unmount=function(e){ye&&ye(e);var t,n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(r){try{if(r.__P&&r.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n&&=n.__c}r.__P=n,Oe(me.push(r))}else ke(r)}catch(e){t=e}}),r.__H=void 0,t&&L.__e(t,r.__v))};var Ee=typeof requestAnimationFrame==`function`;function De(e){var t,n=function(){clearTimeout(r),Ee&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);Ee&&(t=requestAnimationFrame(n))}function Oe(e){e!=1&&ue==L.requestAnimationFrame||((ue=L.requestAnimationFrame)||De)(Te)}function ke(e){var t=I,n=e.__c;typeof n==`function`&&(e.__c=void 0,n()),I=t}function Ae(e){var t=I;e.__c=e.__(),I=t}function je(e,t){return!e||e.length!=t.length||t.some(function(t,n){return!de(t,e[n])})}function Me(e,t){return typeof t==`function`?t(e):t}var Ne=`mms.studio.key`;function V(){try{return sessionStorage.getItem(Ne)}catch{return null}}function Pe(e){e?sessionStorage.setItem(Ne,e):sessionStorage.removeItem(Ne)}var H=class extends Error{code;status;constructor(e,t,n=200){super(e),this.code=t,this.status=n}};async function U(e,t,n=V()){let r={"Content-Type":`application/json`,Accept:`application/graphql-response+json, application/json`};return n&&(r.Authorization=`Bearer ${n}`),Fe(()=>fetch(`/graphql`,{method:`POST`,headers:r,body:JSON.stringify({query:e.toString(),variables:t??{}})}))}async function Fe(e){let t;try{t=await e()}catch(e){throw new H(`The server did not answer (${e.message}). Check your connection and try again.`,`UNAVAILABLE`,0)}let n;try{n=await t.json()}catch{throw new H(`The server answered ${t.status} without a GraphQL body.`,t.status===401?`UNAUTHENTICATED`:`INTERNAL`,t.status)}if(n.errors&&n.errors.length>0){let e=n.errors[0];throw new H(e.message,e.extensions?.code??(t.status===401?`UNAUTHENTICATED`:`INTERNAL`),t.status)}if(!n.data)throw new H(`The server answered ${t.status} without data.`,`INTERNAL`,t.status);return n.data}async function Ie(e,t,n,r=V()){let i=new FormData,a=Object.keys(n);i.append(`operations`,JSON.stringify({query:e.toString(),variables:t})),i.append(`map`,JSON.stringify(Object.fromEntries(a.map((e,t)=>[String(t),[`variables.${e}`]])))),a.forEach((e,t)=>i.append(String(t),n[e],n[e].name));let o={Accept:`application/graphql-response+json, application/json`};return r&&(o.Authorization=`Bearer ${r}`),Fe(()=>fetch(`/graphql`,{method:`POST`,headers:o,body:i}))}var W=class extends String{__apiType;value;__meta__;constructor(e,t){super(e),this.value=e,this.__meta__=t}toString(){return this.value}},Le=new W(`
    fragment StudioIngestionFields on Ingestion {
  id
  dataset
  source
  format
  mode
  status
  job
  read
  inserted
  updated
  unchanged
  rejected
  datasetVersion
  failedChecks
  report
  error
  createdBy
  createdAt
  finishedAt
}
    `,{fragmentName:`StudioIngestionFields`}),Re=new W(`
    fragment StudioJobFields on Job {
  id
  kind
  status
  progress
  error
  errorCode
  result
  createdAt
  startedAt
  finishedAt
  updatedAt
  detail {
    phase
    rows
    bytes
    totalBytes
    rowsPerSecond
    message
  }
}
    `,{fragmentName:`StudioJobFields`}),ze=new W(`
    fragment StudioSchemaFields on LabelSchema {
  id
  team
  entities
  classes
  multiLabel
  relations {
    name
    head
    tail
  }
  events {
    name
    trigger
    roles {
      name
      labels
    }
  }
}
    `,{fragmentName:`StudioSchemaFields`}),Be={"\n  query StudioMe {\n    me { id anonymous team role }\n  }\n":new W(`
    query StudioMe {
  me {
    id
    anonymous
    team
    role
  }
}
    `),"\n  query StudioTasks {\n    annotationTasks(first: 200) {\n      totalCount\n      edges { node { id dataset schema items overlap annotators guidelines createdAt } }\n    }\n  }\n":new W(`
    query StudioTasks {
  annotationTasks(first: 200) {
    totalCount
    edges {
      node {
        id
        dataset
        schema
        items
        overlap
        annotators
        guidelines
        createdAt
      }
    }
  }
}
    `),"\n  query StudioTask($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema items overlap guidelines\n      stats { items completeItems annotators { annotator drafts submitted } }\n    }\n  }\n":new W(`
    query StudioTask($task: ID!) {
  annotationTask(id: $task) {
    id
    dataset
    schema
    items
    overlap
    guidelines
    stats {
      items
      completeItems
      annotators {
        annotator
        drafts
        submitted
      }
    }
  }
}
    `),"\n  query StudioSchema($id: ID!) {\n    labelSchema(id: $id) {\n      id entities classes multiLabel\n      relations { name head tail }\n      events { name trigger roles { name labels } }\n    }\n  }\n":new W(`
    query StudioSchema($id: ID!) {
  labelSchema(id: $id) {
    id
    entities
    classes
    multiLabel
    relations {
      name
      head
      tail
    }
    events {
      name
      trigger
      roles {
        name
        labels
      }
    }
  }
}
    `),"\n  query StudioNextItem($task: ID!) {\n    nextAnnotationItem(task: $task) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n":new W(`
    query StudioNextItem($task: ID!) {
  nextAnnotationItem(task: $task) {
    task
    document
    text
    leaseUntil
    annotation {
      id
      version
      status
      updatedAt
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
    suggestions {
      id
      status
      source
      rule
      span {
        id
        start
        end
        label
        text
      }
    }
  }
}
    `),"\n  mutation StudioSave($input: SaveAnnotationInput!) {\n    saveAnnotation(input: $input) { id version status updatedAt }\n  }\n":new W(`
    mutation StudioSave($input: SaveAnnotationInput!) {
  saveAnnotation(input: $input) {
    id
    version
    status
    updatedAt
  }
}
    `),"\n  mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {\n    decideSuggestion(task: $task, document: $document, suggestion: $suggestion, accept: $accept) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n":new W(`
    mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {
  decideSuggestion(
    task: $task
    document: $document
    suggestion: $suggestion
    accept: $accept
  ) {
    task
    document
    text
    leaseUntil
    annotation {
      id
      version
      status
      updatedAt
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
    suggestions {
      id
      status
      source
      rule
      span {
        id
        start
        end
        label
        text
      }
    }
  }
}
    `),"\n  mutation StudioSkip($task: ID!, $document: ID!) {\n    skipAnnotationItem(task: $task, document: $document)\n  }\n":new W(`
    mutation StudioSkip($task: ID!, $document: ID!) {
  skipAnnotationItem(task: $task, document: $document)
}
    `),"\n  query StudioReview($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema team items overlap annotators guidelines createdAt\n      stats {\n        items completeItems goldItems\n        annotators { annotator drafts submitted medianSeconds }\n        labels { label count }\n      }\n    }\n  }\n":new W(`
    query StudioReview($task: ID!) {
  annotationTask(id: $task) {
    id
    dataset
    schema
    team
    items
    overlap
    annotators
    guidelines
    createdAt
    stats {
      items
      completeItems
      goldItems
      annotators {
        annotator
        drafts
        submitted
        medianSeconds
      }
      labels {
        label
        count
      }
    }
  }
}
    `),"\n  query StudioAgreement($task: ID!) {\n    agreement(task: $task) { items cohenKappa fleissKappa spanF1 spanF1ByLabel { label f1 } }\n  }\n":new W(`
    query StudioAgreement($task: ID!) {
  agreement(task: $task) {
    items
    cohenKappa
    fleissKappa
    spanF1
    spanF1ByLabel {
      label
      f1
    }
  }
}
    `),"\n  query StudioDatasets {\n    datasets(first: 200) {\n      totalCount\n      edges { node { id name team version documentCount updatedAt } }\n    }\n  }\n":new W(`
    query StudioDatasets {
  datasets(first: 200) {
    totalCount
    edges {
      node {
        id
        name
        team
        version
        documentCount
        updatedAt
      }
    }
  }
}
    `),"\n  query StudioDataset($id: ID!) {\n    dataset(id: $id) {\n      id name description team keyField version documentCount createdAt updatedAt\n      fields { name type required min max enum pattern unit sensitive }\n    }\n  }\n":new W(`
    query StudioDataset($id: ID!) {
  dataset(id: $id) {
    id
    name
    description
    team
    keyField
    version
    documentCount
    createdAt
    updatedAt
    fields {
      name
      type
      required
      min
      max
      enum
      pattern
      unit
      sensitive
    }
  }
}
    `),"\n  query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {\n    documents(dataset: $dataset, where: $where, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { key fields version } }\n    }\n  }\n":new W(`
    query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {
  documents(
    dataset: $dataset
    where: $where
    orderBy: $orderBy
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        key
        fields
        version
      }
    }
  }
}
    `),"\n  query StudioAudit($where: AuditFilter, $first: Int, $after: String) {\n    auditLog(where: $where, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { seq at actor team action resource decision summary hash } }\n    }\n  }\n":new W(`
    query StudioAudit($where: AuditFilter, $first: Int, $after: String) {
  auditLog(where: $where, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        seq
        at
        actor
        team
        action
        resource
        decision
        summary
        hash
      }
    }
  }
}
    `),"\n  query StudioVerifyAudit {\n    verifyAudit { ok checked firstBrokenSeq signed checkpoints firstBadCheckpoint checkpointProblem }\n  }\n":new W(`
    query StudioVerifyAudit {
  verifyAudit {
    ok
    checked
    firstBrokenSeq
    signed
    checkpoints
    firstBadCheckpoint
    checkpointProblem
  }
}
    `),"\n  query StudioShares($dataset: ID!) {\n    shares(dataset: $dataset) { dataset team role fields rowFilter { field op value } expiresAt expired createdBy createdAt }\n  }\n":new W(`
    query StudioShares($dataset: ID!) {
  shares(dataset: $dataset) {
    dataset
    team
    role
    fields
    rowFilter {
      field
      op
      value
    }
    expiresAt
    expired
    createdBy
    createdAt
  }
}
    `),"\n  mutation StudioShare($input: ShareDatasetInput!) {\n    shareDataset(input: $input) { dataset team role fields expiresAt }\n  }\n":new W(`
    mutation StudioShare($input: ShareDatasetInput!) {
  shareDataset(input: $input) {
    dataset
    team
    role
    fields
    expiresAt
  }
}
    `),"\n  mutation StudioRevokeShare($dataset: ID!, $team: ID!) {\n    revokeShare(dataset: $dataset, team: $team) { team }\n  }\n":new W(`
    mutation StudioRevokeShare($dataset: ID!, $team: ID!) {
  revokeShare(dataset: $dataset, team: $team) {
    team
  }
}
    `),"\n  query StudioKeys($team: ID!) {\n    apiKeys(team: $team) { id name team role prefix revoked expiresAt createdAt lastUsedAt }\n  }\n":new W(`
    query StudioKeys($team: ID!) {
  apiKeys(team: $team) {
    id
    name
    team
    role
    prefix
    revoked
    expiresAt
    createdAt
    lastUsedAt
  }
}
    `),"\n  mutation StudioCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { secret key { id name role prefix } }\n  }\n":new W(`
    mutation StudioCreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    secret
    key {
      id
      name
      role
      prefix
    }
  }
}
    `),"\n  mutation StudioRotateKey($id: ID!) {\n    rotateApiKey(id: $id) { secret key { id name role prefix } }\n  }\n":new W(`
    mutation StudioRotateKey($id: ID!) {
  rotateApiKey(id: $id) {
    secret
    key {
      id
      name
      role
      prefix
    }
  }
}
    `),"\n  mutation StudioRevokeKey($id: ID!) {\n    revokeApiKey(id: $id) { id revoked }\n  }\n":new W(`
    mutation StudioRevokeKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
    revoked
  }
}
    `),"\n  query StudioModels {\n    models(first: 200) {\n      edges { node { id team dataset latestVersion createdAt aliases { alias version } } }\n    }\n  }\n":new W(`
    query StudioModels {
  models(first: 200) {
    edges {
      node {
        id
        team
        dataset
        latestVersion
        createdAt
        aliases {
          alias
          version
        }
      }
    }
  }
}
    `),"\n  query StudioModelVersion($model: ID!, $version: Int) {\n    model(id: $model) { id latestVersion aliases { alias version } }\n    modelVersion(model: $model, version: $version) {\n      model version aliases dataset datasetVersion snapshotSha256 job label positiveClass features intercept threshold rows createdAt createdBy warnings\n      coefficients { feature value oddsRatio redacted }\n      train { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n      test { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n    }\n  }\n":new W(`
    query StudioModelVersion($model: ID!, $version: Int) {
  model(id: $model) {
    id
    latestVersion
    aliases {
      alias
      version
    }
  }
  modelVersion(model: $model, version: $version) {
    model
    version
    aliases
    dataset
    datasetVersion
    snapshotSha256
    job
    label
    positiveClass
    features
    intercept
    threshold
    rows
    createdAt
    createdBy
    warnings
    coefficients {
      feature
      value
      oddsRatio
      redacted
    }
    train {
      rows
      accuracy
      precision
      recall
      f1
      logLoss
      brier
      rocAuc
      averagePrecision
    }
    test {
      rows
      accuracy
      precision
      recall
      f1
      logLoss
      brier
      rocAuc
      averagePrecision
    }
  }
}
    `),"\n  query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {\n    predict(model: $model, version: $version, inputs: $inputs) { probability label error warnings contributions { feature value } }\n  }\n":new W(`
    query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {
  predict(model: $model, version: $version, inputs: $inputs) {
    probability
    label
    error
    warnings
    contributions {
      feature
      value
    }
  }
}
    `),"\n  query StudioReviewItem($task: ID!, $document: ID!) {\n    reviewItem(task: $task, document: $document) {\n      task document text\n      annotations {\n        annotator status version labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      gold { annotator version labels spans { id start end label text } relations { type head tail } events { type trigger arguments { role span } } }\n    }\n  }\n":new W(`
    query StudioReviewItem($task: ID!, $document: ID!) {
  reviewItem(task: $task, document: $document) {
    task
    document
    text
    annotations {
      annotator
      status
      version
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
    gold {
      annotator
      version
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
  }
}
    `),"\n  query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {\n    reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { document annotators submitted drafts agree gold updatedAt } }\n    }\n  }\n":new W(`
    query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {
  reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        document
        annotators
        submitted
        drafts
        agree
        gold
        updatedAt
      }
    }
  }
}
    `),"\n  mutation StudioSaveGold($input: SaveAnnotationInput!) {\n    saveGold(input: $input) { version }\n  }\n":new W(`
    mutation StudioSaveGold($input: SaveAnnotationInput!) {
  saveGold(input: $input) {
    version
  }
}
    `),"\n  query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { version createdAt rows ingestion snapshot { status bytes sha256 } } }\n      }\n    }\n  }\n":new W(`
    query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {
  dataset(id: $id) {
    id
    versions(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          version
          createdAt
          rows
          ingestion
          snapshot {
            status
            bytes
            sha256
          }
        }
      }
    }
  }
}
    `),"\n  fragment StudioIngestionFields on Ingestion {\n    id dataset source format mode status job read inserted updated unchanged rejected datasetVersion\n    failedChecks report error createdBy createdAt finishedAt\n  }\n":Le,"\n  query StudioIngestion($id: ID!) {\n    ingestion(id: $id) { ...StudioIngestionFields }\n  }\n":new W(`
    query StudioIngestion($id: ID!) {
  ingestion(id: $id) {
    ...StudioIngestionFields
  }
}
    fragment StudioIngestionFields on Ingestion {
  id
  dataset
  source
  format
  mode
  status
  job
  read
  inserted
  updated
  unchanged
  rejected
  datasetVersion
  failedChecks
  report
  error
  createdBy
  createdAt
  finishedAt
}`),"\n  query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      ingestions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { ...StudioIngestionFields } }\n      }\n    }\n  }\n":new W(`
    query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {
  dataset(id: $id) {
    id
    ingestions(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...StudioIngestionFields
        }
      }
    }
  }
}
    fragment StudioIngestionFields on Ingestion {
  id
  dataset
  source
  format
  mode
  status
  job
  read
  inserted
  updated
  unchanged
  rejected
  datasetVersion
  failedChecks
  report
  error
  createdBy
  createdAt
  finishedAt
}`),"\n  query StudioRejects($id: ID!, $first: Int, $after: String) {\n    ingestion(id: $id) {\n      id\n      rejects(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { line reasons raw } }\n      }\n    }\n  }\n":new W(`
    query StudioRejects($id: ID!, $first: Int, $after: String) {
  ingestion(id: $id) {
    id
    rejects(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          line
          reasons
          raw
        }
      }
    }
  }
}
    `),"\n  mutation StudioIngest($input: IngestInput!) {\n    ingest(input: $input) { id kind status progress result }\n  }\n":new W(`
    mutation StudioIngest($input: IngestInput!) {
  ingest(input: $input) {
    id
    kind
    status
    progress
    result
  }
}
    `),"\n  fragment StudioJobFields on Job {\n    id kind status progress error errorCode result createdAt startedAt finishedAt updatedAt\n    detail { phase rows bytes totalBytes rowsPerSecond message }\n  }\n":Re,"\n  query StudioJob($id: ID!) {\n    job(id: $id) { ...StudioJobFields }\n  }\n":new W(`
    query StudioJob($id: ID!) {
  job(id: $id) {
    ...StudioJobFields
  }
}
    fragment StudioJobFields on Job {
  id
  kind
  status
  progress
  error
  errorCode
  result
  createdAt
  startedAt
  finishedAt
  updatedAt
  detail {
    phase
    rows
    bytes
    totalBytes
    rowsPerSecond
    message
  }
}`),"\n  subscription StudioJobUpdated($id: ID!) {\n    jobUpdated(id: $id) { ...StudioJobFields }\n  }\n":new W(`
    subscription StudioJobUpdated($id: ID!) {
  jobUpdated(id: $id) {
    ...StudioJobFields
  }
}
    fragment StudioJobFields on Job {
  id
  kind
  status
  progress
  error
  errorCode
  result
  createdAt
  startedAt
  finishedAt
  updatedAt
  detail {
    phase
    rows
    bytes
    totalBytes
    rowsPerSecond
    message
  }
}`),"\n  mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {\n    setModelAlias(model: $model, alias: $alias, version: $version) { model version aliases }\n  }\n":new W(`
    mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {
  setModelAlias(model: $model, alias: $alias, version: $version) {
    model
    version
    aliases
  }
}
    `),"\n  mutation StudioRemoveAlias($model: ID!, $alias: String!) {\n    removeModelAlias(model: $model, alias: $alias) { id aliases { alias version } }\n  }\n":new W(`
    mutation StudioRemoveAlias($model: ID!, $alias: String!) {
  removeModelAlias(model: $model, alias: $alias) {
    id
    aliases {
      alias
      version
    }
  }
}
    `),"\n  query StudioTeams {\n    teams { id name }\n  }\n":new W(`
    query StudioTeams {
  teams {
    id
    name
  }
}
    `),"\n  mutation StudioCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { id team }\n  }\n":new W(`
    mutation StudioCreateDataset($input: CreateDatasetInput!) {
  createDataset(input: $input) {
    id
    team
  }
}
    `),"\n  fragment StudioSchemaFields on LabelSchema {\n    id team entities classes multiLabel relations { name head tail } events { name trigger roles { name labels } }\n  }\n":ze,"\n  query StudioLabelSchemas($first: Int, $after: String) {\n    labelSchemas(first: $first, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...StudioSchemaFields } }\n    }\n  }\n":new W(`
    query StudioLabelSchemas($first: Int, $after: String) {
  labelSchemas(first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...StudioSchemaFields
      }
    }
  }
}
    fragment StudioSchemaFields on LabelSchema {
  id
  team
  entities
  classes
  multiLabel
  relations {
    name
    head
    tail
  }
  events {
    name
    trigger
    roles {
      name
      labels
    }
  }
}`),"\n  mutation StudioCreateSchema($input: LabelSchemaInput!) {\n    createLabelSchema(input: $input) { ...StudioSchemaFields }\n  }\n":new W(`
    mutation StudioCreateSchema($input: LabelSchemaInput!) {
  createLabelSchema(input: $input) {
    ...StudioSchemaFields
  }
}
    fragment StudioSchemaFields on LabelSchema {
  id
  team
  entities
  classes
  multiLabel
  relations {
    name
    head
    tail
  }
  events {
    name
    trigger
    roles {
      name
      labels
    }
  }
}`),"\n  mutation StudioCreateTask($input: AnnotationTaskInput!) {\n    createAnnotationTask(input: $input) { id items }\n  }\n":new W(`
    mutation StudioCreateTask($input: AnnotationTaskInput!) {
  createAnnotationTask(input: $input) {
    id
    items
  }
}
    `)};function G(e){return Be[e]??{}}var Ve=G(`
  query StudioMe {
    me { id anonymous team role }
  }
`),He=G(`
  query StudioTasks {
    annotationTasks(first: 200) {
      totalCount
      edges { node { id dataset schema items overlap annotators guidelines createdAt } }
    }
  }
`),Ue=G(`
  query StudioTask($task: ID!) {
    annotationTask(id: $task) {
      id dataset schema items overlap guidelines
      stats { items completeItems annotators { annotator drafts submitted } }
    }
  }
`),We=G(`
  query StudioSchema($id: ID!) {
    labelSchema(id: $id) {
      id entities classes multiLabel
      relations { name head tail }
      events { name trigger roles { name labels } }
    }
  }
`),Ge=G(`
  query StudioNextItem($task: ID!) {
    nextAnnotationItem(task: $task) {
      task document text leaseUntil
      annotation {
        id version status updatedAt labels
        spans { id start end label text }
        relations { type head tail }
        events { type trigger arguments { role span } }
      }
      suggestions { id status source rule span { id start end label text } }
    }
  }
`),Ke=G(`
  mutation StudioSave($input: SaveAnnotationInput!) {
    saveAnnotation(input: $input) { id version status updatedAt }
  }
`),qe=G(`
  mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {
    decideSuggestion(task: $task, document: $document, suggestion: $suggestion, accept: $accept) {
      task document text leaseUntil
      annotation {
        id version status updatedAt labels
        spans { id start end label text }
        relations { type head tail }
        events { type trigger arguments { role span } }
      }
      suggestions { id status source rule span { id start end label text } }
    }
  }
`),Je=G(`
  mutation StudioSkip($task: ID!, $document: ID!) {
    skipAnnotationItem(task: $task, document: $document)
  }
`),Ye=G(`
  query StudioReview($task: ID!) {
    annotationTask(id: $task) {
      id dataset schema team items overlap annotators guidelines createdAt
      stats {
        items completeItems goldItems
        annotators { annotator drafts submitted medianSeconds }
        labels { label count }
      }
    }
  }
`),Xe=G(`
  query StudioAgreement($task: ID!) {
    agreement(task: $task) { items cohenKappa fleissKappa spanF1 spanF1ByLabel { label f1 } }
  }
`),Ze=G(`
  query StudioDatasets {
    datasets(first: 200) {
      totalCount
      edges { node { id name team version documentCount updatedAt } }
    }
  }
`),Qe=G(`
  query StudioDataset($id: ID!) {
    dataset(id: $id) {
      id name description team keyField version documentCount createdAt updatedAt
      fields { name type required min max enum pattern unit sensitive }
    }
  }
`),$e=G(`
  query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {
    documents(dataset: $dataset, where: $where, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { key fields version } }
    }
  }
`),et=G(`
  query StudioAudit($where: AuditFilter, $first: Int, $after: String) {
    auditLog(where: $where, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { seq at actor team action resource decision summary hash } }
    }
  }
`),tt=G(`
  query StudioVerifyAudit {
    verifyAudit { ok checked firstBrokenSeq signed checkpoints firstBadCheckpoint checkpointProblem }
  }
`),nt=G(`
  query StudioShares($dataset: ID!) {
    shares(dataset: $dataset) { dataset team role fields rowFilter { field op value } expiresAt expired createdBy createdAt }
  }
`),rt=G(`
  mutation StudioShare($input: ShareDatasetInput!) {
    shareDataset(input: $input) { dataset team role fields expiresAt }
  }
`),it=G(`
  mutation StudioRevokeShare($dataset: ID!, $team: ID!) {
    revokeShare(dataset: $dataset, team: $team) { team }
  }
`),at=G(`
  query StudioKeys($team: ID!) {
    apiKeys(team: $team) { id name team role prefix revoked expiresAt createdAt lastUsedAt }
  }
`),ot=G(`
  mutation StudioCreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { secret key { id name role prefix } }
  }
`),st=G(`
  mutation StudioRotateKey($id: ID!) {
    rotateApiKey(id: $id) { secret key { id name role prefix } }
  }
`),ct=G(`
  mutation StudioRevokeKey($id: ID!) {
    revokeApiKey(id: $id) { id revoked }
  }
`),lt=G(`
  query StudioModels {
    models(first: 200) {
      edges { node { id team dataset latestVersion createdAt aliases { alias version } } }
    }
  }
`),ut=G(`
  query StudioModelVersion($model: ID!, $version: Int) {
    model(id: $model) { id latestVersion aliases { alias version } }
    modelVersion(model: $model, version: $version) {
      model version aliases dataset datasetVersion snapshotSha256 job label positiveClass features intercept threshold rows createdAt createdBy warnings
      coefficients { feature value oddsRatio redacted }
      train { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }
      test { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }
    }
  }
`),dt=G(`
  query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {
    predict(model: $model, version: $version, inputs: $inputs) { probability label error warnings contributions { feature value } }
  }
`),ft=G(`
  query StudioReviewItem($task: ID!, $document: ID!) {
    reviewItem(task: $task, document: $document) {
      task document text
      annotations {
        annotator status version labels
        spans { id start end label text }
        relations { type head tail }
        events { type trigger arguments { role span } }
      }
      gold { annotator version labels spans { id start end label text } relations { type head tail } events { type trigger arguments { role span } } }
    }
  }
`),pt=G(`
  query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {
    reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { document annotators submitted drafts agree gold updatedAt } }
    }
  }
`),mt=G(`
  mutation StudioSaveGold($input: SaveAnnotationInput!) {
    saveGold(input: $input) { version }
  }
`),ht=G(`
  query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {
    dataset(id: $id) {
      id
      versions(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { version createdAt rows ingestion snapshot { status bytes sha256 } } }
      }
    }
  }
`);G(`
  fragment StudioIngestionFields on Ingestion {
    id dataset source format mode status job read inserted updated unchanged rejected datasetVersion
    failedChecks report error createdBy createdAt finishedAt
  }
`);var gt=G(`
  query StudioIngestion($id: ID!) {
    ingestion(id: $id) { ...StudioIngestionFields }
  }
`),_t=G(`
  query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {
    dataset(id: $id) {
      id
      ingestions(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { ...StudioIngestionFields } }
      }
    }
  }
`),vt=G(`
  query StudioRejects($id: ID!, $first: Int, $after: String) {
    ingestion(id: $id) {
      id
      rejects(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { line reasons raw } }
      }
    }
  }
`),yt=G(`
  mutation StudioIngest($input: IngestInput!) {
    ingest(input: $input) { id kind status progress result }
  }
`);G(`
  fragment StudioJobFields on Job {
    id kind status progress error errorCode result createdAt startedAt finishedAt updatedAt
    detail { phase rows bytes totalBytes rowsPerSecond message }
  }
`);var bt=G(`
  query StudioJob($id: ID!) {
    job(id: $id) { ...StudioJobFields }
  }
`),xt=G(`
  subscription StudioJobUpdated($id: ID!) {
    jobUpdated(id: $id) { ...StudioJobFields }
  }
`),St=G(`
  mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {
    setModelAlias(model: $model, alias: $alias, version: $version) { model version aliases }
  }
`),Ct=G(`
  mutation StudioRemoveAlias($model: ID!, $alias: String!) {
    removeModelAlias(model: $model, alias: $alias) { id aliases { alias version } }
  }
`),wt=G(`
  query StudioTeams {
    teams { id name }
  }
`),Tt=G(`
  mutation StudioCreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) { id team }
  }
`);G(`
  fragment StudioSchemaFields on LabelSchema {
    id team entities classes multiLabel relations { name head tail } events { name trigger roles { name labels } }
  }
`);var Et=G(`
  query StudioLabelSchemas($first: Int, $after: String) {
    labelSchemas(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { ...StudioSchemaFields } }
    }
  }
`),Dt=G(`
  mutation StudioCreateSchema($input: LabelSchemaInput!) {
    createLabelSchema(input: $input) { ...StudioSchemaFields }
  }
`),Ot=G(`
  mutation StudioCreateTask($input: AnnotationTaskInput!) {
    createAnnotationTask(input: $input) { id items }
  }
`),kt=Symbol.for(`pv`),At=0;Array.isArray;function K(t,n,r,i,a,o){n||={};var s,c,l=n;if(`ref`in l&&typeof t!=`function`)for(c in l={},n)c==`ref`?s=n[c]:l[c]=n[c];var u={type:t,props:l,key:r,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:kt,__v:--At,__i:-1,__u:0};return(a||o)&&(u.__source=a,u.__self=o),e.vnode&&e.vnode(u),u}function jt(e){let[t,n]=R(``),[r,i]=R(null),[a,o]=R(!1);return K(`main`,{class:`center`,children:K(`form`,{class:`card signin`,onSubmit:async n=>{n.preventDefault();let r=t.trim();if(!r)i(`Paste your API key (it starts with mms_).`);else{o(!0),i(null);try{let t=await U(Ve,{},r);if(t.me.anonymous)throw new H(`That key was not accepted.`,`UNAUTHENTICATED`);Pe(r),e.onSignedIn(t.me)}catch(e){i(e instanceof H&&e.code===`UNAUTHENTICATED`?`That API key was not accepted: check that you pasted all of it and that it has not expired or been revoked.`:e.message)}finally{o(!1)}}},children:[K(`h1`,{children:`MMS Studio`}),K(`p`,{children:`Sign in with the API key your team owner gave you. It is kept in this tab only and forgotten when you sign out or close the tab.`}),K(`label`,{for:`apikey`,children:`API key`}),K(`input`,{id:`apikey`,name:`apikey`,type:`password`,autocomplete:`off`,spellcheck:!1,value:t,onInput:e=>n(e.target.value),"aria-describedby":r?`signin-error`:void 0}),r&&K(`p`,{id:`signin-error`,class:`error`,role:`alert`,children:r}),K(`button`,{type:`submit`,class:`primary`,disabled:a,children:`Sign in`})]})})}function Mt(e,t){let n=new Map;for(let t of e)n.set(t,{annotator:t,submitted:0,drafts:0});for(let e of t)n.set(e.annotator,e);return[...n.values()].sort((e,t)=>e.annotator.localeCompare(t.annotator))}function Nt(e,t){return e.annotators.length===0||e.annotators.includes(t)}var Pt={tasks:!0,annotate:!0,review:!0,datasets:!0,models:!0,write:!0,own:!0,audit:!0},Ft={tasks:!1,annotate:!1,review:!1,datasets:!1,models:!1,write:!1,own:!1,audit:!1},It={ADMIN:Pt,OWNER:{...Pt,audit:!1},EDITOR:{...Pt,own:!1,audit:!1},ANNOTATOR:{...Ft,tasks:!0,annotate:!0},REVIEWER:{...Ft,tasks:!0,review:!0},VIEWER:{...Ft,tasks:!0,datasets:!0,models:!0},PARTNER:{...Ft,datasets:!0}};function q(e){return It[e]??Ft}function Lt(e){let t=q(e);return!t.tasks&&t.datasets?`/studio/datasets`:`/studio/tasks`}function Rt(e){let{review:t,write:n}=q(e.me.role),[r,i]=R(null),[a,o]=R(null);return z(()=>{U(He).then(e=>i(e.annotationTasks.edges.map(e=>e.node))).catch(e=>o(e.message))},[]),K(`main`,{class:`page`,children:[K(`h1`,{children:`Annotation tasks`}),n&&K(`p`,{children:K($,{href:`/studio/new-task`,class:`button`,children:`New task`})}),a&&K(`p`,{class:`error`,role:`alert`,children:a}),!r&&!a&&K(`p`,{children:`Loading…`}),r&&r.length===0&&K(`p`,{children:[`No annotation tasks for you yet. `,n?K(b,{children:[`Create one from a dataset with `,K($,{href:`/studio/new-task`,children:`New task`}),`.`]}):`Your team's owners and editors create them and assign them to you; ask them if you expected one here.`]}),r&&r.length>0&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Task`}),K(`th`,{scope:`col`,children:`Dataset`}),K(`th`,{scope:`col`,children:`Label schema`}),K(`th`,{scope:`col`,children:`Items`}),K(`th`,{scope:`col`,children:`Overlap`}),K(`th`,{scope:`col`,children:`Review`})]})}),K(`tbody`,{children:r.map(n=>K(`tr`,{children:[K(`td`,{children:Nt(n,e.me.id)?K($,{href:`/studio/tasks/${encodeURIComponent(n.id)}`,children:n.id}):K(b,{children:[n.id,` `,K(`span`,{class:`hint`,children:`not assigned to you`})]})}),K(`td`,{children:n.dataset}),K(`td`,{children:n.schema}),K(`td`,{children:n.items}),K(`td`,{children:n.overlap}),K(`td`,{children:t?K($,{href:`/studio/tasks/${encodeURIComponent(n.id)}/review`,children:[`Progress and agreement`,K(`span`,{class:`sr-only`,children:[` of `,n.id]})]}):`—`})]},n.id))})]})]})}var zt=Object.assign;function Bt(e,t){for(var n in e)if(n!=`__source`&&e[n]!==t[n])return!0;for(var r in t)if(r!=`__source`&&!(r in e))return!0;return!1}var Vt=/^(-|f[lo].*[^se]$|g.{5,}[^ps]$|z|o[pr]|(W.{5})?[lL]i.*(t|mp)$|an|(bo|s).{4}Im|sca|m.{6}[ds]|ta|c.*[st]$|wido|ini|asp|fill|st)/;function J(e,t){function n(e){var n=this.props.ref;return n!=e.ref&&n&&(typeof n==`function`?n(null):n.current=null),t?!t(this.props,e)||n!=e.ref:Bt(this.props,e)}function r(t){return this.shouldComponentUpdate=n,v(e,t)}return r.displayName=`Memo(`+(e.displayName||e.name)+`)`,r.prototype.isReactComponent=!0,r.type=e,r}var Ht=Symbol.for(`react.element`),Ut=/^(?:accent|alignment|arabic|baseline|cap|clip(?!PathU)|color|dominant|fill|flood|font|glyph(?!R)|horiz|image(?!S)|letter|lighting|marker(?!H|W|U)|overline|paint|pointer|shape|stop|strikethrough|stroke|text(?!L)|transform|underline|unicode|units|v|vector|vert|word|writing|x(?!C))[A-Z]/,Wt=/[A-Z0-9]/g,Gt=typeof document<`u`,Kt=function(e){return/fil|che|rad/.test(e)};x.prototype.isReactComponent=!0,[`componentWillMount`,`componentWillReceiveProps`,`componentWillUpdate`].forEach(function(e){Object.defineProperty(x.prototype,e,{configurable:!0,get:function(){return this[`UNSAFE_`+e]},set:function(t){Object.defineProperty(this,e,{configurable:!0,writable:!0,value:t})}})});var qt=e.event;e.event=function(e){return qt&&(e=qt(e)),e.persist=function(){},e.isPropagationStopped=function(){return this.cancelBubble},e.isDefaultPrevented=function(){return this.defaultPrevented},e.nativeEvent=e};var Jt={configurable:!0,get:function(){return this.class}},Yt=e.vnode;e.vnode=function(e){if(typeof e.type==`string`)(function(e){var t=e.props,n=e.type,r={},i=n.indexOf(`-`)==-1;for(var a in t){var o=t[a];if(!(a==`value`&&`defaultValue`in t&&o==null||Gt&&a==`children`&&n==`noscript`||a==`class`||a==`className`)){if(a==`style`&&o&&o.constructor==Object){var s=void 0;for(var c in o)typeof o[c]!=`number`||Vt.test(c)||(s||=o=zt({},o),o[c]+=`px`)}else if(a==`defaultValue`&&`value`in t&&t.value==null)a=`value`;else if(a==`download`&&!0===o)o=``;else if(a==`translate`&&o===`no`)o=!1;else if(a[0]==`o`&&a[1]==`n`){var l=a.toLowerCase();l==`ondoubleclick`?a=`ondblclick`:l!=`onchange`||n!=`input`&&n!=`textarea`||Kt(t.type)?l==`onfocus`?a=`onfocusin`:l==`onblur`&&(a=`onfocusout`):l=a=`oninput`,l==`oninput`&&r[a=l]&&(a=`oninputCapture`)}else i&&Ut.test(a)?a=a.replace(Wt,`-$&`).toLowerCase():o===null&&(o=void 0);r[a]=o}}if(n==`select`){var u=r.defaultValue==null?r.multiple&&Array.isArray(r.value)?r.value:null:r.defaultValue;u!=null&&(r.value=A(t.children).forEach(function(e){e.props.selected=r.multiple?u.indexOf(e.props.value)!=-1:u==e.props.value}))}t.class&&!t.className?(r.class=t.class,Object.defineProperty(r,"className",Jt)):t.className&&(r.class=r.className=t.className),e.props=r})(e);else if(typeof e.type==`function`&&(`ref`in e.props&&`prototype`in e.type&&e.type.prototype.render&&(e.ref=e.props.ref,delete e.props.ref),e.type.defaultProps)){var t=zt({},e.props);for(var n in e.type.defaultProps)t[n]===void 0&&(t[n]=e.type.defaultProps[n]);e.props=t}e.ref&&!(`ref`in e.props)&&Object.defineProperty(e.props,"ref",{value:e.ref,configurable:!0,writable:!0}),e.$$typeof=Ht,Yt&&Yt(e)};function Xt(e,t,n,r,i=[]){return Zt(0,e,t,n,r,i)}function Zt(e,t,n,r,i,a=[]){let o=new Set([e,t]),s=n=>{n>e&&n<t&&o.add(n)};for(let e of n)s(e.start),s(e.end);for(let e of r)s(e.start),s(e.end);i.end>i.start&&(s(i.start),s(i.end));for(let e of a)s(e);let c=[...o].sort((e,t)=>e-t),l=[],u=0,d=[],f=[...r].sort((e,t)=>e.start-t.start),p=0,m=[];for(let e=0;e+1<c.length;e++){let t=c[e],r=c[e+1];for(d=d.filter(e=>n[e].end>t);u<n.length&&n[u].start<=t;)n[u].end>t&&d.push(u),u++;for(m=m.filter(e=>e.end>t);p<f.length&&f[p].start<=t;)f[p].end>t&&m.push(f[p]),p++;let a=d.slice().sort((e,t)=>n[e].start-n[t].start||n[t].end-n[e].end||e-t);l.push({start:t,end:r,cover:a,ends:a.filter(e=>n[e].end===r),sug:m.length>0,sel:i.end>i.start&&t>=i.start&&r<=i.end})}return l}function Qt(e,t){let n=[];for(let t=0;t+1<e.length;t++)n.push([]);for(let r of t){let t=0,i=n.length-1;for(;t<i;){let n=t+i+1>>1;e[n]<=r.start?t=n:i=n-1}for(let i=t;i<n.length&&e[i]<r.end;i++)e[i+1]>r.start&&n[i].push(r)}return n}function $t(e,t,n,r=200,i=600){let a=[0],o=t(e.length),s=0,c=/\r\n|\n|\r|[。！？!?][ \t]*|\.[ \t]+/gu,l,u=e=>{e>s&&e<o&&(a.push(e),s=e)};for(;(l=c.exec(e))!==null;){let e=t(l.index+l[0].length),a=l[0].includes(`
`)||l[0].includes(`\r`);for(;e-s>i;)u(n(s+i));(a||e-s>=r)&&u(e)}for(;o-s>i;)u(n(s+i));return a.push(o),a}var en=[[`← → (in the text)`,`move the caret by one character (grapheme)`],[`Shift+← Shift+→`,`extend the selection by one character`],[`Ctrl+Shift+← Ctrl+Shift+→`,`extend the selection by a word`],[`Shift+Home Shift+End`,`extend the selection to the start or end`],[`1 … 9, 0`,`label the selection (or relabel the selected span; or pick the relation type)`],[`] [`,`select the next / previous span`],[`r`,`start a relation from the selected span (then pick the tail with ] [ and Enter, or a click)`],[`e`,`start an event with the selected span as its trigger`],[`Enter`,`confirm the tail span of a relation`],[`} {`,`select the next / previous relation`],[`Delete or Backspace`,`delete the selected span or relation`],[`a / Shift+A`,`accept the next suggestion / all suggestions`],[`x / Shift+X`,`reject the next suggestion / all suggestions`],[`Ctrl+S`,`save the draft`],[`Ctrl+Enter`,`submit and go to the next item`],[`Escape`,`clear the selection, cancel a relation, close a dialog`],[`?`,`show this list`]];function tn(e){let t=!!(e.ctrlKey||e.metaKey);if(t&&!e.altKey)return e.key===`s`||e.key===`S`?{kind:`save`}:e.key===`Enter`?{kind:`submit`}:e.shiftKey&&(e.key===`ArrowLeft`||e.key===`ArrowRight`)?{kind:`caret`,delta:e.key===`ArrowLeft`?-1:1,extend:!0,word:!0}:null;if(e.altKey||t)return null;switch(e.key){case`ArrowLeft`:return{kind:`caret`,delta:-1,extend:!!e.shiftKey};case`ArrowRight`:return{kind:`caret`,delta:1,extend:!!e.shiftKey};case`Home`:case`End`:return{kind:`caretEdge`,end:e.key===`End`,extend:!!e.shiftKey};case`Delete`:case`Backspace`:return{kind:`delete`};case`]`:return{kind:`cycleSpan`,delta:1};case`[`:return{kind:`cycleSpan`,delta:-1};case`}`:return{kind:`cycleRelation`,delta:1};case`{`:return{kind:`cycleRelation`,delta:-1};case`r`:return{kind:`relation`};case`e`:return{kind:`event`};case`Enter`:return{kind:`confirm`};case`Escape`:return{kind:`escape`};case`?`:return{kind:`help`};case`a`:case`A`:return{kind:`accept`,all:e.key===`A`};case`x`:case`X`:return{kind:`reject`,all:e.key===`X`}}if(/^[0-9]$/.test(e.key)){let t=Number(e.key);return{kind:`label`,index:t===0?9:t-1}}return null}var nn=class{text;length;cpToUnit;unitToCp;boundaries;constructor(e){this.text=e;let t=e.length,n=new Uint32Array(t+1),r=new Uint32Array(t+1),i=0;for(let a=0;a<t;){n[i]=a;let o=e.charCodeAt(a),s=o>=55296&&o<=56319&&a+1<t&&rn(e.charCodeAt(a+1))?2:1;r[a]=i,s===2&&(r[a+1]=i),a+=s,i++}n[i]=t,r[t]=i,this.length=i,this.cpToUnit=n.slice(0,i+1),this.unitToCp=r,this.boundaries=on(e,this)}toUnits(e){return this.cpToUnit[an(e,0,this.length)]}toPoints(e){return this.unitToCp[an(e,0,this.text.length)]}slice(e,t){return this.text.slice(this.toUnits(e),this.toUnits(t))}floor(e){let t=this.boundaries,n=0,r=t.length-1;for(e=an(e,0,this.length);n<r;){let i=n+r+1>>1;t[i]<=e?n=i:r=i-1}return t[n]}ceil(e){let t=this.boundaries,n=0,r=t.length-1;for(e=an(e,0,this.length);n<r;){let i=n+r>>1;t[i]>=e?r=i:n=i+1}return t[n]}next(e){return this.ceil(Math.min(this.length,this.floor(e)+1))}prev(e){return this.floor(Math.max(0,this.ceil(e)-1))}snap(e,t){let n=Math.min(e,t),r=Math.max(e,t);return[this.floor(n),this.ceil(r)]}selectionFromUnits(e,t){let n=Math.min(e,t),r=Math.max(e,t),i=this.toPoints(r),a=this.toUnits(i)<r?i+1:i;return this.snap(this.toPoints(n),a)}check(e,t,n){if(!Number.isInteger(e)||!Number.isInteger(t)||e<0||t>this.length||e>=t)return`offsets [${e}, ${t}) are outside the text (${this.length} code points)`;let r=this.slice(e,t);return r===n?null:`text[${e}:${t}] is ${JSON.stringify(r)}, not ${JSON.stringify(n)}`}};function rn(e){return e>=56320&&e<=57343}function an(e,t,n){return e<t?t:e>n?n:e}function on(e,t){let n=[0],r=Intl.Segmenter;if(r)for(let i of new r(void 0,{granularity:`grapheme`}).segment(e))i.index>0&&n.push(t.toPoints(i.index));else{let t=0;for(let r of e)n.push(++t)}let i=t.toPoints(e.length);return n[n.length-1]!==i&&n.push(i),Uint32Array.from(n)}function sn(e,t,n){let r=ln((n?.spans??[]).map(e=>({id:e.id,start:e.start,end:e.end,label:e.label,text:e.text})));return{idx:new nn(e),schema:t,spans:r,relations:(n?.relations??[]).map(e=>({type:e.type,head:e.head,tail:e.tail})),events:(n?.events??[]).map(e=>({type:e.type,trigger:e.trigger,arguments:e.arguments.map(e=>({role:e.role,span:e.span}))})),labels:[...n?.labels??[]],anchor:0,focus:0,selectedSpan:null,selectedRelation:null,relHead:null,relTail:null,filterRelations:!0,dirty:!1,seq:cn(r),error:null}}function cn(e){let t=0;for(let n of e){let e=/^T(\d+)$/.exec(n.id);e&&(t=Math.max(t,Number(e[1])))}return t+1}function ln(e){return e.sort(un)}function un(e,t){return e.start-t.start||t.end-e.end||(e.id<t.id?-1:+(e.id>t.id))}function dn(e){return e.anchor===e.focus?[e.focus,e.focus]:e.idx.snap(e.anchor,e.focus)}function fn(e,t,n){let r=e.spans.find(e=>e.id===t),i=e.spans.find(e=>e.id===n);return!r||!i?[]:e.schema.relations.filter(e=>(e.head.length===0||e.head.includes(r.label))&&(e.tail.length===0||e.tail.includes(i.label))).map(e=>e.name)}function pn(e){let t=e.relations.map((e,t)=>[e,t]);return!e.filterRelations||!e.selectedSpan?t:t.filter(([t])=>t.head===e.selectedSpan||t.tail===e.selectedSpan)}function mn(e){return/^\s+$/u.test(e)}function hn(e,t,n){let r=e.idx,i=t,a=e=>n>0?r.next(e):r.prev(e),o=e=>n>0?r.slice(e,r.next(e)):r.slice(r.prev(e),e);for(;(n>0?i<r.length:i>0)&&mn(o(i));)i=a(i);for(;(n>0?i<r.length:i>0)&&!mn(o(i));)i=a(i);return i}function gn(e,t){switch(t.type){case`select`:{let[n,r]=t.anchor===t.focus?[t.anchor,t.focus]:t.anchor<=t.focus?e.idx.snap(t.anchor,t.focus):e.idx.snap(t.focus,t.anchor).reverse();return{...e,anchor:n,focus:r,selectedSpan:t.anchor===t.focus?e.selectedSpan:null,selectedRelation:null,error:null}}case`caret`:{let n;if(!t.extend&&e.anchor!==e.focus){let[r,i]=dn(e);n=t.delta<0?r:i}else n=t.word?hn(e,e.focus,t.delta):t.delta>0?e.idx.next(e.focus):e.idx.prev(e.focus);return{...e,focus:n,anchor:t.extend?e.anchor:n,selectedSpan:null,selectedRelation:null,error:null}}case`caretEdge`:{let n=t.end?e.idx.length:0;return{...e,focus:n,anchor:t.extend?e.anchor:n,selectedSpan:null,error:null}}case`label`:{let[n,r]=dn(e);return r>n?gn(e,{type:`addSpan`,label:t.label}):e.selectedSpan?gn(e,{type:`relabel`,id:e.selectedSpan,label:t.label}):{...e,error:`Select some text first (mouse, or Shift+arrows in the text), then choose a label.`}}case`addSpan`:{let[n,r]=dn(e);if(r<=n)return{...e,error:`Select some text first.`};if(!e.schema.entities.includes(t.label))return{...e,error:`${t.label} is not a label of this schema.`};let i=e.spans.find(e=>e.start===n&&e.end===r&&e.label===t.label);if(i)return{...e,selectedSpan:i.id,anchor:r,focus:r,error:null};let a=`T${e.seq}`,o={id:a,start:n,end:r,label:t.label,text:e.idx.slice(n,r)};return{...e,spans:_n(e.spans,o),seq:e.seq+1,selectedSpan:a,anchor:r,focus:r,dirty:!0,error:null}}case`addSpans`:{let n=new Set(e.spans.map(e=>e.id)),r=t.spans.filter(e=>!n.has(e.id));if(r.length===0)return e;let i=ln([...e.spans,...r]);return{...e,spans:i,seq:Math.max(e.seq,cn(i)),dirty:!0}}case`relabel`:return e.schema.entities.includes(t.label)?{...e,spans:e.spans.map(e=>e.id===t.id?{...e,label:t.label}:e),dirty:!0,error:null}:e;case`deleteSpan`:{let n=e.spans.filter(e=>e.id!==t.id);if(n.length===e.spans.length)return e;let r=e.relations.filter(e=>e.head!==t.id&&e.tail!==t.id),i=e.events.filter(e=>e.trigger!==t.id).map(e=>({...e,arguments:e.arguments.filter(e=>e.span!==t.id)}));return{...e,spans:n,relations:r,events:i,dirty:!0,error:null,selectedSpan:e.selectedSpan===t.id?null:e.selectedSpan,selectedRelation:null,relHead:e.relHead===t.id?null:e.relHead,relTail:e.relTail===t.id?null:e.relTail}}case`selectSpan`:{if(t.id&&e.relHead&&t.id!==e.relHead)return{...e,relTail:t.id,selectedSpan:t.id,error:null};let n=e.spans.find(e=>e.id===t.id);return{...e,selectedSpan:n?n.id:null,selectedRelation:null,anchor:n?n.end:e.anchor,focus:n?n.end:e.focus,error:null}}case`cycleSpan`:{if(e.spans.length===0)return e;let n=e.spans.findIndex(t=>t.id===(e.relHead?e.relTail??e.relHead:e.selectedSpan)),r;if(n<0?(r=t.delta>0?e.spans.findIndex(t=>t.start>=e.focus):vn(e.spans,t=>t.start<e.focus),r<0&&(r=t.delta>0?0:e.spans.length-1)):r=(n+t.delta+e.spans.length)%e.spans.length,e.relHead)return e.spans[r].id===e.relHead&&(r=(r+t.delta+e.spans.length)%e.spans.length),e.spans[r].id===e.relHead?e:{...e,relTail:null,selectedSpan:e.spans[r].id,error:null};let i=e.spans[r];return{...e,selectedSpan:i.id,selectedRelation:null,anchor:i.end,focus:i.end,error:null}}case`startRelation`:return e.selectedSpan?e.schema.relations.length===0?{...e,error:`This schema has no relation types.`}:{...e,relHead:e.selectedSpan,relTail:null,error:null}:{...e,error:`Select the head span first (click it, or ] and [), then press r.`};case`setTail`:return!e.relHead||t.id===e.relHead?e:{...e,relTail:t.id,selectedSpan:t.id,error:null};case`addRelation`:{if(!e.relHead||!e.relTail)return e;if(!fn(e,e.relHead,e.relTail).includes(t.relType))return{...e,error:`${t.relType} does not allow these spans' labels.`};let n={type:t.relType,head:e.relHead,tail:e.relTail},r=e.relations.findIndex(e=>e.type===n.type&&e.head===n.head&&e.tail===n.tail),i=r>=0?e.relations:[...e.relations,n];return{...e,relations:i,selectedRelation:r>=0?r:i.length-1,selectedSpan:n.head,relHead:null,relTail:null,dirty:!0,error:null}}case`selectRelation`:return{...e,selectedRelation:t.index,error:null};case`cycleRelation`:{let n=pn(e);if(n.length===0)return e;let r=n.findIndex(([,t])=>t===e.selectedRelation),i=r<0?t.delta>0?0:n.length-1:(r+t.delta+n.length)%n.length;return{...e,selectedRelation:n[i][1]}}case`deleteRelation`:{if(t.index<0||t.index>=e.relations.length)return e;let n=e.relations.filter((e,n)=>n!==t.index);return{...e,relations:n,selectedRelation:null,dirty:!0}}case`toggleClass`:{if(!e.schema.classes.includes(t.name))return e;let n=e.labels.includes(t.name)?e.labels.filter(e=>e!==t.name):e.schema.multiLabel?[...e.labels,t.name]:[t.name];return{...e,labels:n,dirty:!0}}case`addEvent`:{let n=e.schema.events.find(e=>e.name===t.evType),r=e.spans.find(e=>e.id===t.trigger);return!n||!r?e:r.label===n.trigger?{...e,events:[...e.events,{type:n.name,trigger:r.id,arguments:[]}],dirty:!0,error:null}:{...e,error:`A ${n.name} event's trigger must be a ${n.trigger} span.`}}case`setEventArg`:{let n=e.events[t.index],r=n&&e.schema.events.find(e=>e.name===n.type)?.roles.find(e=>e.name===t.role);if(!n||!r)return e;if(t.span){let i=e.spans.find(e=>e.id===t.span);if(!i||i.id===n.trigger)return{...e,error:`The ${t.role} of a ${n.type} event must be another span of this item.`};if(r.labels.length>0&&!r.labels.includes(i.label))return{...e,error:`The ${t.role} of a ${n.type} event must be a ${r.labels.join(` or `)} span, not ${i.label}.`}}let i=e.events.map((e,n)=>{if(n!==t.index)return e;let r=e.arguments.filter(e=>e.role!==t.role);return t.span&&r.push({role:t.role,span:t.span}),{...e,arguments:r}});return{...e,events:i,dirty:!0,error:null}}case`deleteEvent`:return{...e,events:e.events.filter((e,n)=>n!==t.index),dirty:!0};case`filterRelations`:return{...e,filterRelations:t.on};case`escape`:return e.relHead?{...e,relHead:null,relTail:null,error:null}:{...e,anchor:e.focus,selectedSpan:null,selectedRelation:null,error:null};case`saved`:return{...e,dirty:!1};case`error`:return{...e,error:t.message}}}function _n(e,t){let n=0,r=e.length;for(;n<r;){let i=n+r>>1;un(e[i],t)<=0?n=i+1:r=i}return[...e.slice(0,n),t,...e.slice(n)]}function vn(e,t){for(let n=e.length-1;n>=0;n--)if(t(e[n]))return n;return-1}function yn(e){for(let t of e.spans){let n=e.idx.check(t.start,t.end,t.text);if(n)throw Error(`span ${t.id} (${t.label}): ${n}; not saved`)}return{spans:e.spans.map(e=>({id:e.id,start:e.start,end:e.end,label:e.label,text:e.text})),relations:e.relations.map(e=>({...e})),events:e.events.map(e=>({type:e.type,trigger:e.trigger,arguments:e.arguments.map(e=>({...e}))})),labels:[...e.labels]}}var bn=[`#1f77b4`,`#d62728`,`#2ca02c`,`#9467bd`,`#8c564b`,`#e377c2`,`#7f7f7f`,`#bcbd22`,`#17becf`,`#ff7f0e`],Y=(e,t)=>bn[Math.max(0,e.entities.indexOf(t))%bn.length],xn=18e5;function Sn(e){let[t,n]=R(null),[r,i]=R(void 0),[a,o]=R(null),[s,c]=R(null),[l,u]=R(null),[d,f]=R(null),[p,m]=R(null),[h,g]=R(!1),[_,v]=R(!1),y=we(async()=>{try{let t=(await U(Ue,{task:e.task})).annotationTask;if(!t)return;let n=t.stats.annotators.find(t=>t.annotator===e.me.id);u({mine:n?.submitted??0,done:t.stats.completeItems,total:t.items}),f(t.guidelines??null)}catch{}},[e.task,e.me.id]),b=we(async t=>{let n=(await U(Ge,{task:e.task})).nextAnnotationItem??null;i(n),c(n?.annotation?.version??null),o(n?sn(n.text,t,n.annotation):null),m(null)},[e.task]);z(()=>{(async()=>{try{let t=await U(Ue,{task:e.task});if(!t.annotationTask){m({kind:`error`,text:`There is no task ${e.task}, or you may not see it.`}),i(null);return}let r=await U(We,{id:t.annotationTask.schema});if(!r.labelSchema){m({kind:`error`,text:`The task's label schema ${t.annotationTask.schema} cannot be read.`}),i(null);return}let a=r.labelSchema;n(a),await Promise.all([b(a),y()])}catch(e){m({kind:`error`,text:e.message}),i(null)}})()},[e.task]);let x=we(e=>o(t=>t&&gn(t,e)),[]),S=e=>{let t=e;t.code===`CONFLICT`?m({kind:`conflict`,text:`This annotation was changed elsewhere since you loaded it (${t.message}). Reload to get the latest version; your unsaved changes here will be replaced.`}):t.code===`FORBIDDEN`&&r?.leaseUntil&&new Date(r.leaseUntil).getTime()<Date.now()?m({kind:`lease`,text:`Your reservation of this item lapsed at ${new Date(r.leaseUntil).toLocaleTimeString()} (an item is held for ${xn/6e4} minutes after you open it or save a draft), and it has gone to another annotator. Your changes were not saved. Reload for your next item.`}):t.code===`UNAUTHENTICATED`?m({kind:`error`,text:`Your API key is no longer accepted (expired or revoked). Sign out and sign in with a valid key.`}):m({kind:`error`,text:t.message})},C=async e=>{if(!a||!r||!t||h)return;let n;try{n=yn(a)}catch(e){m({kind:`error`,text:e.message});return}g(!0);try{let a=await U(Ke,{input:{task:r.task,document:r.document,...n,status:e,version:s}});if(c(a.saveAnnotation.version),o(e=>e&&gn(e,{type:`saved`})),e===`submitted`)await b(t),m({kind:`info`,text:`Submitted ${r.document}.`}),y();else{let e=new Date(Date.parse(a.saveAnnotation.updatedAt)+xn).toISOString();i(t=>t&&t.document===r.document?{...t,leaseUntil:e}:t),m({kind:`info`,text:`Draft saved (version ${a.saveAnnotation.version}).`})}}catch(e){S(e)}finally{g(!1)}},w=async()=>{if(r&&t&&!h){g(!0);try{await U(Je,{task:r.task,document:r.document}),await b(t),m({kind:`info`,text:`Skipped ${r.document}.`})}catch(e){S(e)}finally{g(!1)}}},T=async()=>{if(t){g(!0);try{await b(t)}catch(e){S(e)}finally{g(!1)}}},E=async(e,t)=>{if(r&&a&&!h&&e.length!==0){g(!0);try{let n=null;for(let i of e)n=(await U(qe,{task:r.task,document:r.document,suggestion:i,accept:t})).decideSuggestion;if(n){let t=n.annotation?.spans.filter(t=>e.includes(t.id))??[];i(n),c(n.annotation?.version??s),t.length&&x({type:`addSpans`,spans:t})}}catch(e){S(e)}finally{g(!1)}}},D=r?.suggestions.filter(e=>e.status===`pending`)??[],O=Ce(a);O.current=a,z(()=>{let e=e=>{let n=O.current,r=e.target,i=r?.getAttribute?.(`aria-label`)===`Document text`,a=r?.tagName;if(!i&&(a===`INPUT`||a===`SELECT`||a===`TEXTAREA`))return;let o=tn(e);if(o){if(_)(o.kind===`escape`||o.kind===`help`)&&(v(!1),e.preventDefault());else if(n&&t&&(o.kind!==`caret`&&o.kind!==`caretEdge`||i)&&(o.kind!==`confirm`||n.relHead)&&(o.kind!==`delete`||i||a!==`BUTTON`||n.selectedSpan||n.selectedRelation!==null))switch(e.preventDefault(),o.kind){case`caret`:x({type:`caret`,delta:o.delta,extend:o.extend,word:o.word});break;case`caretEdge`:x({type:`caretEdge`,end:o.end,extend:o.extend});break;case`label`:if(n.relHead&&n.relTail){let e=fn(n,n.relHead,n.relTail);e[o.index]&&x({type:`addRelation`,relType:e[o.index]})}else t.entities[o.index]&&jn(n,x,t.entities[o.index]);break;case`delete`:n.selectedRelation===null?n.selectedSpan&&x({type:`deleteSpan`,id:n.selectedSpan}):x({type:`deleteRelation`,index:n.selectedRelation});break;case`cycleSpan`:x({type:`cycleSpan`,delta:o.delta});break;case`cycleRelation`:x({type:`cycleRelation`,delta:o.delta});break;case`relation`:x({type:`startRelation`});break;case`event`:{let e=n.spans.find(e=>e.id===n.selectedSpan),r=e&&t.events.find(t=>t.trigger===e.label);x(e&&r?{type:`addEvent`,evType:r.name,trigger:e.id}:{type:`error`,message:`Select a span whose label triggers an event type first.`});break}case`confirm`:n.selectedSpan&&x({type:`setTail`,id:n.selectedSpan});break;case`escape`:x({type:`escape`});break;case`help`:v(!0);break;case`accept`:E(o.all?D.map(e=>e.id):D.slice(0,1).map(e=>e.id),!0);break;case`reject`:E(o.all?D.map(e=>e.id):D.slice(0,1).map(e=>e.id),!1);break;case`save`:C(`draft`);break;case`submit`:C(`submitted`)}}};return addEventListener(`keydown`,e),()=>removeEventListener(`keydown`,e)});let[,k]=R(0);z(()=>{let e=r?.leaseUntil?Date.parse(r.leaseUntil)-Date.now():-1;if(e<0||e>2**31-1)return;let t=setTimeout(()=>k(e=>e+1),e+100);return()=>clearTimeout(t)},[r?.leaseUntil]);let A=r?.leaseUntil?new Date(r.leaseUntil).getTime()<Date.now():!1;return K(`main`,{class:`workspace`,children:[K(`div`,{class:`wsbar`,children:[K(`h1`,{children:[K($,{href:`/studio/`,children:`Tasks`}),` / `,e.task,r?K(`span`,{class:`doc`,children:[` · document `,r.document]}):null]}),l&&K(`p`,{class:`progress`,"aria-label":`Progress`,children:[`You: `,l.mine,` submitted · Task: `,l.done,` / `,l.total,` items done`,K(`progress`,{max:l.total,value:l.done,"aria-label":`Task items done`})]}),K(`button`,{type:`button`,class:`link`,onClick:()=>v(!0),"aria-keyshortcuts":`?`,children:`Shortcuts (?)`})]}),d&&K(`details`,{class:`guidelines`,open:l?.mine===0,children:[K(`summary`,{children:`Guidelines`}),K(`pre`,{children:d})]}),r===void 0&&K(`p`,{children:`Loading your next item…`}),r===null&&p?.kind!==`error`&&K(`div`,{class:`card`,children:[K(`h2`,{children:`All done`}),K(`p`,{children:[`Nothing is left for you in this task. `,K($,{href:`/studio/`,children:`Back to your tasks`}),`.`]})]}),r&&a&&t&&K(wn,{state:a,schema:t,dispatch:x,suggestions:D,decide:E,busy:h,version:s,onSave:()=>C(`draft`),onSubmit:()=>C(`submitted`),onSkip:w}),K(`div`,{class:`banners`,children:[p&&K(`div`,{class:`banner ${p.kind}`,role:p.kind===`info`?`status`:`alert`,children:[K(`span`,{children:p.text}),(p.kind===`conflict`||p.kind===`lease`)&&K(`button`,{type:`button`,onClick:T,children:`Reload`}),K(`button`,{type:`button`,class:`link`,onClick:()=>m(null),"aria-label":`Dismiss message`,children:`×`})]}),A&&!p&&K(`div`,{class:`banner lease`,role:`alert`,children:[`Your reservation of this item lapsed at `,new Date(r.leaseUntil).toLocaleTimeString(),`: another annotator may take it. Save now to keep it if it is still yours, or reload.`]})]}),_&&K(Cn,{onClose:()=>v(!1)})]})}function Cn(e){let t=Ce(null);return z(()=>{t.current?.querySelector(`button`)?.focus()},[]),K(`div`,{class:`modal-bg`,onClick:e.onClose,children:K(`div`,{class:`modal`,role:`dialog`,"aria-modal":`true`,"aria-labelledby":`help-title`,ref:t,onClick:e=>e.stopPropagation(),children:[K(`h2`,{id:`help-title`,children:`Keyboard shortcuts`}),K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Keys`}),K(`th`,{scope:`col`,children:`Action`})]})}),K(`tbody`,{children:en.map(([e,t])=>K(`tr`,{children:[K(`td`,{children:K(`kbd`,{children:e})}),K(`td`,{children:t})]},e))})]}),K(`button`,{type:`button`,onClick:e.onClose,children:`Close`})]})})}function wn({state:e,schema:t,dispatch:n,suggestions:r,decide:i,busy:a,version:o,onSave:s,onSubmit:c,onSkip:l}){let[u,d]=dn(e),f=e.spans.find(t=>t.id===e.selectedSpan)??null,p=e.relHead&&e.relTail?fn(e,e.relHead,e.relTail):[],m=B(()=>new Map(e.spans.map(e=>[e.id,e])),[e.spans]),h=e=>{let t=m.get(e);return t?`${t.label} “${t.text}”`:e},g=f?t.events.filter(e=>e.trigger===f.label):[];return K(`div`,{class:`editor`,children:[K(`section`,{class:`labels`,"aria-label":`Entity labels`,children:[t.entities.map((r,i)=>K(`span`,{class:`lbl`,children:[i<10&&K(`kbd`,{"aria-hidden":`true`,children:(i+1)%10}),K(`button`,{type:`button`,"aria-keyshortcuts":i<10?String((i+1)%10):void 0,class:f?.label===r?`label on`:`label`,style:{"--c":Y(t,r)},onMouseDown:e=>e.preventDefault(),onClick:()=>jn(e,n,r),children:r})]},r)),K(`span`,{class:`hint`,"aria-live":`polite`,children:e.relHead?e.relTail?`Choose the relation type.`:`Relation from ${h(e.relHead)}: pick the tail span (click it, or ] [ then Enter).`:d>u?`Selected “${e.idx.slice(u,d)}” [${u}, ${d}): choose a label.`:f?`Span ${f.id}: ${f.label} “${f.text}” [${f.start}, ${f.end})`:`Select text, then a label.`})]}),e.error&&K(`p`,{class:`error`,role:`alert`,children:e.error}),K(`div`,{class:`cols`,children:[K(In,{state:e,schema:t,dispatch:n,suggestions:r}),K(`aside`,{class:`side`,children:[f&&K(`section`,{"aria-labelledby":`span-h`,children:[K(`h2`,{id:`span-h`,children:`Selected span`}),K(`p`,{children:[K(`span`,{class:`chip`,style:{"--c":Y(t,f.label)},children:f.label}),` “`,f.text,`” `,K(`small`,{children:[`[`,f.start,`, `,f.end,`)`]})]}),K(`div`,{class:`row`,children:[K(`button`,{type:`button`,onClick:()=>n({type:`deleteSpan`,id:f.id}),"aria-keyshortcuts":`Delete`,children:`Delete span`}),t.relations.length>0&&!e.relHead&&K(`button`,{type:`button`,onClick:()=>n({type:`startRelation`}),"aria-keyshortcuts":`r`,children:`Start relation`}),g.map(e=>K(`button`,{type:`button`,onClick:()=>n({type:`addEvent`,evType:e.name,trigger:f.id}),children:[`Add `,e.name,` event`]},e.name))]}),K(`p`,{class:`hint`,children:`Relabel: press a label button or its number.`})]}),e.relHead&&K(`section`,{"aria-labelledby":`rel-new-h`,class:`relnew`,children:[K(`h2`,{id:`rel-new-h`,children:`New relation`}),K(`p`,{children:[`Head: `,h(e.relHead),K(`br`,{}),`Tail: `,e.relTail?h(e.relTail):K(`em`,{children:`pick a span`})]}),e.relTail&&p.length===0&&K(`p`,{class:`error`,children:[`No relation type allows `,h(e.relHead),` → `,h(e.relTail),`.`]}),K(`div`,{class:`row`,children:[p.map((e,t)=>K(`button`,{type:`button`,"aria-keyshortcuts":String(t+1),onClick:()=>n({type:`addRelation`,relType:e}),children:e},e)),!e.relTail&&e.selectedSpan&&e.selectedSpan!==e.relHead&&K(`button`,{type:`button`,onClick:()=>n({type:`setTail`,id:e.selectedSpan}),children:`Use as tail`}),K(`button`,{type:`button`,class:`link`,onClick:()=>n({type:`escape`}),children:`Cancel`})]})]}),t.relations.length>0&&K(`section`,{"aria-labelledby":`rels-h`,children:[K(`h2`,{id:`rels-h`,children:[`Relations `,K(`small`,{children:[`(`,e.relations.length,`)`]})]}),K(`label`,{class:`check`,children:[K(`input`,{type:`checkbox`,checked:e.filterRelations,onChange:e=>n({type:`filterRelations`,on:e.target.checked})}),` Only the selected span's`]}),K(Tn,{state:e,dispatch:n,relations:e.relations,spans:e.spans,selectedSpan:e.selectedSpan,filter:e.filterRelations,selectedRelation:e.selectedRelation})]}),(e.events.length>0||t.events.length>0)&&K(`section`,{"aria-labelledby":`ev-h`,children:[K(`h2`,{id:`ev-h`,children:[`Events `,K(`small`,{children:[`(`,e.events.length,`)`]})]}),e.events.length===0&&K(`p`,{class:`hint`,children:[`Select a trigger span (`,t.events.map(e=>`${e.trigger} for ${e.name}`).join(`, `),`) and press e.`]}),e.events.map((r,i)=>{let a=t.events.find(e=>e.name===r.type);return K(`fieldset`,{class:`event`,children:[K(`legend`,{children:[r.type,`: `,h(r.trigger)]}),a?.roles.map(t=>{let a=r.arguments.find(e=>e.role===t.name)?.span??``,o=e.spans.filter(e=>e.id!==r.trigger&&(t.labels.length===0||t.labels.includes(e.label))),s=`ev${i}-${t.name}`;return K(`div`,{class:`role`,children:[K(`label`,{for:s,children:t.name}),K(`select`,{id:s,value:a,onChange:e=>n({type:`setEventArg`,index:i,role:t.name,span:e.target.value||null}),children:[K(`option`,{value:``,children:`—`}),o.map(e=>K(`option`,{value:e.id,children:[e.label,` “`,e.text,`”`]},e.id))]})]},t.name)}),K(`button`,{type:`button`,class:`link`,onClick:()=>n({type:`deleteEvent`,index:i}),children:`Delete event`})]},i)})]}),t.classes.length>0&&K(`section`,{"aria-labelledby":`cls-h`,children:[K(`h2`,{id:`cls-h`,children:[`Document `,t.multiLabel?`labels`:`label`]}),K(`div`,{class:`row`,role:`group`,"aria-labelledby":`cls-h`,children:t.classes.map(t=>K(`button`,{type:`button`,class:`toggle`,"aria-pressed":e.labels.includes(t),onClick:()=>n({type:`toggleClass`,name:t}),children:t},t))})]}),r.length>0&&K(`section`,{"aria-labelledby":`sug-h`,children:[K(`h2`,{id:`sug-h`,children:[`Suggestions `,K(`small`,{children:[`(`,r.length,`)`]})]}),K(`div`,{class:`row`,children:[K(`button`,{type:`button`,disabled:a,onClick:()=>i(r.map(e=>e.id),!0),"aria-keyshortcuts":`Shift+A`,children:`Accept all`}),K(`button`,{type:`button`,disabled:a,onClick:()=>i(r.map(e=>e.id),!1),"aria-keyshortcuts":`Shift+X`,children:`Reject all`})]}),K(`ul`,{class:`sugs`,children:r.map(e=>K(`li`,{children:[K(`span`,{class:`chip sug`,style:{"--c":Y(t,e.span.label)},children:e.span.label}),` `,K(`span`,{class:`t`,children:[`“`,e.span.text,`”`]}),` `,K(`small`,{children:[e.source,`: `,e.rule]}),K(`button`,{type:`button`,disabled:a,"aria-label":`Accept ${e.span.label} “${e.span.text}”`,onClick:()=>i([e.id],!0),children:`Accept`}),K(`button`,{type:`button`,disabled:a,"aria-label":`Reject ${e.span.label} “${e.span.text}”`,onClick:()=>i([e.id],!1),children:`Reject`})]},e.id))})]}),K(`section`,{"aria-labelledby":`spans-h`,children:[K(`h2`,{id:`spans-h`,children:[`Spans `,K(`small`,{children:[`(`,e.spans.length,`)`]})]}),K(Dn,{spans:e.spans,schema:t,selected:e.selectedSpan,dispatch:n})]})]})]}),K(`footer`,{class:`actions`,children:[K(`span`,{class:`dirty`,"aria-live":`polite`,children:e.dirty?`Unsaved changes`:o==null?`Nothing saved yet`:`Saved (version ${o})`}),K(`button`,{type:`button`,disabled:a,onClick:s,"aria-keyshortcuts":`Control+S`,children:`Save draft`}),K(`button`,{type:`button`,disabled:a,onClick:l,children:`Skip`}),K(`button`,{type:`button`,class:`primary`,disabled:a,onClick:c,"aria-keyshortcuts":`Control+Enter`,children:`Submit`})]})]})}var Tn=J(function(e){let t=B(()=>new Map(e.spans.map(e=>[e.id,e])),[e.spans]),n=e=>{let n=t.get(e);return n?`${n.label} “${n.text}”`:e},r=new Set(pn(e.state).map(([,e])=>e));return K(b,{children:[r.size===0&&K(`p`,{class:`hint`,children:[`None`,e.filter&&e.selectedSpan?` for this span`:``,`. Select a span and press r.`]}),K(`ul`,{class:`rels`,hidden:r.size===0,children:e.relations.map((t,i)=>K(En,{i,type:t.type,head:n(t.head),tail:n(t.tail),on:e.selectedRelation===i,hidden:!r.has(i),dispatch:e.dispatch},`${t.type}|${t.head}|${t.tail}`))})]})},(e,t)=>e.relations===t.relations&&e.spans===t.spans&&e.selectedSpan===t.selectedSpan&&e.filter===t.filter&&e.selectedRelation===t.selectedRelation),En=J(function(e){return K(`li`,{class:e.on?`on`:``,hidden:e.hidden,children:[K(`button`,{type:`button`,class:`rel`,"aria-pressed":e.on,onClick:()=>e.dispatch({type:`selectRelation`,index:e.i}),children:[e.head,` `,K(`b`,{children:[`—`,e.type,`→`]}),` `,e.tail]}),K(`button`,{type:`button`,class:`link`,"aria-label":`Delete relation ${e.type} from ${e.head} to ${e.tail}`,onClick:()=>e.dispatch({type:`deleteRelation`,index:e.i}),children:`×`})]})}),Dn=J(function(e){return K(`ul`,{class:`spans`,children:e.spans.map(t=>K(On,{id:t.id,label:t.label,text:t.text,color:Y(e.schema,t.label),on:e.selected===t.id,dispatch:e.dispatch},t.id))})}),On=J(function(e){return K(`li`,{children:K(`button`,{type:`button`,class:e.on?`span on`:`span`,"aria-pressed":e.on,onClick:()=>e.dispatch({type:`selectSpan`,id:e.id}),children:[K(`span`,{class:`chip`,style:`--c:${e.color}`,children:e.label}),` `,e.text]})})});function kn(e,t,n,r){if(!e.contains(n))return null;if(n.nodeType===Node.TEXT_NODE){let e=n.parentElement.closest(`[data-u]`);return e?Number(e.dataset.u)+r:null}let i=n,a=i.closest(`[data-u]`);if(a){let e=0;for(let t=0;t<r&&t<a.childNodes.length;t++)e+=(a.childNodes[t].textContent??``).length;return Number(a.dataset.u)+e}let o=i.childNodes[r];return o&&o.dataset?.u!==void 0?Number(o.dataset.u):r===0?0:t}function An(e){let t=document.querySelector(`[aria-label="Document text"]`),n=getSelection();if(!t||!n||n.rangeCount===0||n.isCollapsed)return null;let r=kn(t,e.text.length,n.anchorNode,n.anchorOffset),i=kn(t,e.text.length,n.focusNode,n.focusOffset);return r===null||i===null||r===i?null:(n.removeAllRanges(),e.selectionFromUnits(r,i))}function jn(e,t,n){let r=An(e.idx);r&&t({type:`select`,anchor:r[0],focus:r[1]}),t({type:`label`,label:n})}var Mn=J(function(e){return K(`span`,{"data-u":e.u,class:e.cls,style:e.style,"data-tags":e.tags||void 0,title:e.title,children:[e.caret&&K(`span`,{class:`caret`,"aria-hidden":`true`}),e.text]})});function Nn(e,t){return e.idx===t.idx&&e.schema===t.schema&&e.start===t.start&&e.end===t.end&&e.selStart===t.selStart&&e.selEnd===t.selEnd&&e.focus===t.focus&&e.selected===t.selected&&e.head===t.head&&Pn(e.related,t.related)&&Pn(e.spans,t.spans)&&e.sugs.length===t.sugs.length&&e.sugs.every((e,n)=>e.start===t.sugs[n].start&&e.end===t.sugs[n].end)}function Pn(e,t){return e.length===t.length&&e.every((e,n)=>e===t[n])}var Fn=J(function(e){let t=Zt(e.start,e.end,e.spans,e.sugs,{start:e.selStart,end:e.selEnd},e.focus>=0?[e.focus]:[]);return K(`div`,{class:`block`,"data-u":e.idx.toUnits(e.start),children:t.map(t=>{let n=[`seg`],r,i;if(t.cover.length){n.push(`hl`);let a=e.spans[t.cover[t.cover.length-1]],o=``;for(let n=t.cover.length-1;n>=0;n--)o+=`${o?`,`:``}inset 0 -${(n+1)*3}px 0 ${Y(e.schema,e.spans[t.cover[n]].label)}`;r=`background:${Y(e.schema,a.label)}26;box-shadow:${o};padding-bottom:${t.cover.length*3}px`,i=``;for(let r of t.cover){let t=e.spans[r];i+=`${i?`, `:``}${t.label} (${t.id})`,t.id===e.selected&&n.push(`selspan`),e.related.includes(t.id)&&n.push(`related`),t.id===e.head&&n.push(`head`)}}t.sug&&n.push(`sug`),t.sel&&n.push(`sel`);let a=``;for(let n=t.ends.length-1;n>=0;n--)a+=`${a?` · `:``}${e.spans[t.ends[n]].label}`;return K(Mn,{u:e.idx.toUnits(t.start),cls:n.join(` `),style:r,tags:a,title:i,caret:t.start===e.focus,text:e.idx.slice(t.start,t.end)},t.start)})})},Nn);function In(e){let{state:t,schema:n,dispatch:r}=e,i=Ce(null),[a,o]=dn(t),s=B(()=>e.suggestions.map(e=>({start:e.span.start,end:e.span.end})),[e.suggestions]),c=B(()=>$t(t.idx.text,e=>t.idx.toPoints(e),e=>t.idx.floor(e)),[t.idx]),l=B(()=>Qt(c,t.spans),[c,t.spans]),u=B(()=>Qt(c,s),[c,s]),d=B(()=>{let e=t.selectedRelation===null?void 0:t.relations[t.selectedRelation];return e?[e.head,e.tail]:[]},[t.relations,t.selectedRelation]),f=(e,n)=>kn(i.current,t.idx.text.length,e,n);return K(b,{children:[K(`div`,{class:`doctext`,ref:i,tabIndex:0,role:`textbox`,"aria-readonly":`true`,"aria-multiline":`true`,"aria-label":`Document text`,"aria-describedby":`doctext-help`,onMouseUp:e=>{let n=getSelection();if(!n||n.rangeCount===0)return;let i=f(n.anchorNode,n.anchorOffset),a=f(n.focusNode,n.focusOffset);if(i===null||a===null)return;if(i!==a){let[e,o]=t.idx.selectionFromUnits(i,a);n.removeAllRanges(),r({type:`select`,anchor:e,focus:o});return}let o=e.target.closest(`.seg`),s=o?t.idx.toPoints(Number(o.dataset.u)):-1,c=t.spans.filter(e=>e.start<=s&&e.end>s);if(c.length>0){let e=c.map(e=>e.id).reverse(),n=t.selectedSpan?e.indexOf(t.selectedSpan):-1;r({type:`selectSpan`,id:e[(n+1)%e.length]})}else{let e=t.idx.toPoints(i);r({type:`select`,anchor:e,focus:e})}},children:[l.map((e,r)=>{let i=c[r],s=c[r+1],l=t=>t!==null&&e.some(e=>e.id===t)?t:null,f=o>a&&a<s&&o>i;return K(Fn,{idx:t.idx,schema:n,start:i,end:s,spans:e,sugs:u[r],selStart:f?Math.max(a,i):0,selEnd:f?Math.min(o,s):0,focus:t.focus>=i&&t.focus<s?t.focus:-1,selected:l(t.selectedSpan),head:l(t.relHead),related:d.filter(e=>l(e)!==null)},i)}),t.focus===t.idx.length&&K(`span`,{class:`caret`,"aria-hidden":`true`})]}),K(`p`,{id:`doctext-help`,class:`sr-only`,children:`Move with the arrow keys, select with Shift and the arrow keys, then press a label's number. Press question mark for all shortcuts.`})]})}var Ln=[`#1f77b4`,`#d62728`,`#2ca02c`,`#9467bd`,`#8c564b`,`#e377c2`,`#7f7f7f`,`#bcbd22`,`#17becf`,`#ff7f0e`];function Rn(e){let t=ln([...e.spans]),n=Xt(e.idx.length,t,[],{start:0,end:0}),r=t=>Ln[Math.max(0,e.labels.indexOf(t))%Ln.length];return K(`div`,{class:`doctext small`,role:`region`,"aria-label":e.name,children:n.map(n=>{let i=e.idx.slice(n.start,n.end);if(!n.cover.length)return K(`span`,{children:i},n.start);let a=t[n.cover[n.cover.length-1]],o=n.cover.map((e,n)=>`inset 0 -${(n+1)*3}px 0 ${r(t[e].label)}`).reverse().join(`,`);return K(`span`,{class:`seg hl`,"data-tags":n.ends.map(e=>t[e].label).reverse().join(` · `)||void 0,style:`background:${r(a.label)}26;box-shadow:${o}`,children:i},n.start)})})}var zn=[[`TO_REVIEW`,`To review`],[`DISAGREE`,`Annotators disagree`],[`REVIEWED`,`Reviewed (gold)`],[`ALL`,`All annotated`]],Bn=20;function Vn(e){let[t,n]=R(`TO_REVIEW`),[r,i]=R([null]),[a,o]=R(null),[s,c]=R(null),l=r[r.length-1];z(()=>{c(null),U(pt,{task:e.task,filter:t,first:Bn,after:l}).then(e=>o(e.reviewQueue)).catch(e=>c(e.message))},[e.task,t,l,e.rev]);let u=a?.edges.map(e=>e.node)??[],d=e=>e.agree==null?`—`:e.agree?`yes`:`no`;return K(`div`,{class:`queue`,children:[K(`div`,{class:`row`,children:[K(`label`,{children:[`Show `,K(`select`,{value:t,onChange:e=>{n(e.target.value),i([null])},children:zn.map(([e,t])=>K(`option`,{value:e,children:t},e))})]}),a&&K(`span`,{class:`hint`,"aria-live":`polite`,children:[a.totalCount,` item`,a.totalCount===1?``:`s`]})]}),s&&K(`p`,{class:`error`,role:`alert`,children:s}),a&&u.length===0&&K(`p`,{class:`hint`,children:t===`TO_REVIEW`?`Nothing waits for review: every submitted item has a gold version, or nothing is submitted yet.`:`No item matches.`}),u.length>0&&K(`div`,{class:`scroll`,role:`region`,"aria-label":`Review queue`,tabIndex:0,children:K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Document`}),K(`th`,{scope:`col`,children:`Submitted by`}),K(`th`,{scope:`col`,children:`Drafts`}),K(`th`,{scope:`col`,children:`Agree`}),K(`th`,{scope:`col`,children:`Gold`}),K(`th`,{scope:`col`,children:`Last saved`})]})}),K(`tbody`,{children:u.map(t=>K(`tr`,{class:t.document===e.current?`sel`:void 0,children:[K(`td`,{children:K(`button`,{type:`button`,class:`link`,"aria-label":`Open ${t.document}`,"aria-current":t.document===e.current?`true`:void 0,onClick:()=>e.open(t.document),children:t.document})}),K(`td`,{children:t.annotators.map(e.name).join(`, `)||`—`}),K(`td`,{children:t.drafts}),K(`td`,{class:t.agree===!1?`warn`:void 0,children:d(t)}),K(`td`,{children:t.gold?`yes`:`no`}),K(`td`,{children:new Date(t.updatedAt).toLocaleString()})]},t.document))})]})}),a&&(r.length>1||a.pageInfo.hasNextPage)&&K(`div`,{class:`row`,children:[K(`button`,{type:`button`,disabled:r.length<=1,onClick:()=>i(r.slice(0,-1)),children:`Previous page`}),K(`button`,{type:`button`,disabled:!a.pageInfo.hasNextPage,onClick:()=>i([...r,a.pageInfo.endCursor??null]),children:`Next page`})]})]})}function Hn(e){let t=e.name??(e=>e),[n,r]=R(``),[i,a]=R(null),[o,s]=R(null),[c,l]=R(null),[u,d]=R(0),f=async(t=n,i=!1)=>{s(null),i||l(null),r(t);try{a((await U(ft,{task:e.task,document:t.trim()})).reviewItem)}catch(e){s(e.message),a(null)}},p=async n=>{if(i){s(null),l(null);try{let r=new nn(i.text);for(let e of n.spans){let t=r.check(e.start,e.end,e.text);if(t)throw Error(`span ${e.id}: ${t}`)}await U(mt,{input:{task:i.task,document:i.document,version:i.gold?.version??null,spans:n.spans.map(e=>({id:e.id,start:e.start,end:e.end,label:e.label,text:e.text})),relations:n.relations.map(e=>({type:e.type,head:e.head,tail:e.tail})),events:n.events.map(e=>({type:e.type,trigger:e.trigger,arguments:e.arguments.map(e=>({role:e.role,span:e.span}))})),labels:n.labels}}),l(`${t(n.annotator)}'s annotation is now the gold version of ${i.document}.`),d(e=>e+1),e.onGold?.(),await f(i.document,!0)}catch(e){s(e.message)}}},m=i?new nn(i.text):null,h=i?[...new Set([...i.annotations.flatMap(e=>e.spans.map(e=>e.label)),...i.gold?.spans.map(e=>e.label)??[]])].sort():[];return K(`section`,{"aria-labelledby":`cmp-h`,children:[K(`h2`,{id:`cmp-h`,children:`Review items`}),K(`p`,{class:`hint`,children:`Open an item to see every annotator's version side by side, then make one the gold version.`}),K(Vn,{task:e.task,name:t,open:e=>f(e),rev:u,current:i?.document??null}),K(`form`,{class:`row byKey`,onSubmit:e=>{e.preventDefault(),f()},children:[K(`label`,{children:[`Or open a document by key `,K(`input`,{"aria-label":`Document key`,value:n,onInput:e=>r(e.target.value)})]}),K(`button`,{type:`submit`,children:`Compare`})]}),o&&K(`p`,{class:`error`,role:`alert`,children:o}),c&&K(`p`,{class:`ok`,role:`status`,children:c}),i&&m&&K(`div`,{class:`compare`,children:[[...i.annotations.map(e=>({a:e,gold:!1})),...i.gold?[{a:i.gold,gold:!0}]:[]].map(({a:e,gold:n})=>K(`div`,{class:`card`,children:[K(`h3`,{children:[n?`Gold`:t(e.annotator),` `,K(`small`,{children:[n?``:e.status,` · v`,e.version]})]}),K(Rn,{idx:m,spans:e.spans,labels:h,name:`${n?`Gold`:t(e.annotator)} annotation of ${i.document}`}),K(`p`,{class:`hint`,children:[e.spans.length,` spans · `,e.relations.length,` relations · labels: `,e.labels.join(`, `)||`none`]}),!n&&K(`button`,{type:`button`,onClick:()=>p(e),children:[`Use as gold`,K(`span`,{class:`sr-only`,children:[` (`,t(e.annotator),`)`]})]})]},(n?`gold:`:``)+e.annotator)),i.annotations.length===0&&K(`p`,{class:`hint`,children:[`Nobody has annotated `,i.document,` yet.`]})]})]})}var X=(e,t=3)=>e==null?`—`:e.toFixed(t),Un=[[`doccano`,`doccano JSONL`],[`labelstudio`,`Label Studio JSON`],[`brat`,`brat (zip)`],[`conll`,`CoNLL`]];function Wn(e,t){let[n,r]=R(new Map),i=q(e.role).own&&(e.role===`ADMIN`||e.team===t);return z(()=>{t&&i&&U(at,{team:t}).then(e=>r(new Map(e.apiKeys.map(e=>[`key:${e.id}`,e.name])))).catch(()=>{})},[t,i]),e=>n.get(e)??e}function Gn(e){let[t,n]=R(void 0),[r,i]=R(null),[a,o]=R(null),[s,c]=R(null),[l,u]=R(0);z(()=>{U(Ye,{task:e.task}).then(e=>n(e.annotationTask??null)).catch(e=>c(e.message)),U(Xe,{task:e.task}).then(e=>i(e.agreement)).catch(e=>o(e.message))},[e.task,l]);let d=Wn(e.me,t?.team),f=async(t,n)=>{c(null);try{let r=await fetch(`/tasks/${encodeURIComponent(e.task)}/export?format=${t}&which=${n}`,{headers:{Authorization:`Bearer ${V()}`}});if(!r.ok){let e=await r.text();throw Error(`Export failed (${r.status}): ${e.slice(0,300)}`)}let i=await r.blob(),a=r.headers.get(`Content-Disposition`)??``,o=/filename="?([^";]+)"?/.exec(a)?.[1]??`${e.task}-${n}.${t===`brat`?`zip`:t===`labelstudio`?`json`:t===`conll`?`conll`:`jsonl`}`,s=document.createElement(`a`);s.href=URL.createObjectURL(i),s.download=o,s.click(),setTimeout(()=>URL.revokeObjectURL(s.href),1e4)}catch(e){c(e.message)}};if(t===void 0&&!s)return K(`main`,{class:`page`,children:K(`p`,{children:`Loading…`})});if(!t)return K(`main`,{class:`page`,children:[K(`h1`,{children:[`Task `,e.task]}),K(`p`,{class:`error`,role:`alert`,children:s??`There is no task ${e.task}, or you may not see it.`})]});let p=t.stats,m=Mt(t.annotators,p.annotators),h=Math.max(1,...p.labels.map(e=>e.count));return K(`main`,{class:`page`,children:[K(`h1`,{children:[K($,{href:`/studio/`,children:`Tasks`}),` / `,t.id,` · review`]}),K(`p`,{children:[`Dataset `,K(`b`,{children:t.dataset}),` · schema `,K(`b`,{children:t.schema}),` · overlap `,t.overlap,` `,q(e.me.role).annotate&&K(b,{children:[` · `,K($,{href:`/studio/tasks/${encodeURIComponent(t.id)}`,children:`Annotate`})]})]}),s&&K(`p`,{class:`error`,role:`alert`,children:s}),K(`section`,{class:`cards`,"aria-label":`Progress`,children:[K(`div`,{class:`stat`,children:[K(`span`,{class:`n`,children:[p.completeItems,` / `,p.items]}),K(`span`,{children:`items complete`})]}),K(`div`,{class:`stat`,children:[K(`span`,{class:`n`,children:p.goldItems}),K(`span`,{children:`items reviewed (gold)`})]}),K(`div`,{class:`stat`,children:[K(`span`,{class:`n`,children:r?X(r.spanF1):`—`}),K(`span`,{children:`span F1 (pairwise)`})]}),K(`div`,{class:`stat`,children:[K(`span`,{class:`n`,children:r?X(r.cohenKappa??r.fleissKappa):`—`}),K(`span`,{children:[r?.cohenKappa==null?`Fleiss' κ`:`Cohen's κ`,` (document labels)`]})]})]}),K(`div`,{class:`two`,children:[K(`section`,{"aria-labelledby":`ann-h`,children:[K(`h2`,{id:`ann-h`,children:`Annotators`}),K(`p`,{class:`hint`,children:t.annotators.length?`${t.annotators.length} assigned to this task.`:`Every annotator of the team may work on this task.`}),m.length===0?K(`p`,{class:`hint`,children:`Nobody has saved an annotation yet.`}):K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Annotator`}),K(`th`,{scope:`col`,children:`Submitted`}),K(`th`,{scope:`col`,children:`Drafts`}),K(`th`,{scope:`col`,children:`Median time`})]})}),K(`tbody`,{children:m.map(e=>K(`tr`,{children:[K(`td`,{title:e.annotator,children:d(e.annotator)}),K(`td`,{children:e.submitted}),K(`td`,{children:e.drafts}),K(`td`,{children:e.medianSeconds==null?`—`:`${e.medianSeconds.toFixed(0)} s`})]},e.annotator))})]})]}),K(`section`,{"aria-labelledby":`lab-h`,children:[K(`h2`,{id:`lab-h`,children:`Labels used`}),p.labels.length===0?K(`p`,{class:`hint`,children:`No submitted annotations yet.`}):K(`table`,{class:`grid bars`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Label`}),K(`th`,{scope:`col`,children:`Count`})]})}),K(`tbody`,{children:p.labels.map(e=>K(`tr`,{children:[K(`td`,{children:e.label}),K(`td`,{children:[K(`span`,{class:`bar`,style:`width:${100*e.count/h}%`,"aria-hidden":`true`}),` `,e.count]})]},e.label))})]})]})]}),K(`section`,{"aria-labelledby":`agr-h`,children:[K(`h2`,{id:`agr-h`,children:`Agreement`}),a&&K(`p`,{class:`error`,children:a}),r&&(r.items===0?K(`p`,{class:`hint`,children:[`No item has two submitted annotations yet (overlap `,t.overlap,`).`]}):K(b,{children:[K(`p`,{children:[`Over `,r.items,` items: Cohen's κ `,X(r.cohenKappa),`, Fleiss' κ `,X(r.fleissKappa),`, span F1 `,X(r.spanF1),`.`]}),K(`table`,{class:`grid bars`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Label`}),K(`th`,{scope:`col`,children:`Span F1`})]})}),K(`tbody`,{children:r.spanF1ByLabel.map(e=>K(`tr`,{children:[K(`td`,{children:e.label}),K(`td`,{children:[K(`span`,{class:`bar`,style:`width:${100*e.f1}%`,"aria-hidden":`true`}),` `,X(e.f1)]})]},e.label))})]})]}))]}),K(Hn,{task:t.id,name:d,onGold:()=>u(e=>e+1)}),K(`section`,{"aria-labelledby":`exp-h`,children:[K(`h2`,{id:`exp-h`,children:`Export`}),K(`p`,{class:`hint`,children:`Submitted annotations, one record each; or the reviewed (gold) versions.`}),K(`div`,{class:`row`,children:[Un.map(([e,t])=>K(`button`,{type:`button`,onClick:()=>f(e,`submitted`),children:t},e)),Un.map(([e,t])=>K(`button`,{type:`button`,onClick:()=>f(e,`gold`),children:[t,`, gold`]},`g${e}`))]})]})]})}var Kn=[`eq`,`ne`,`gt`,`gte`,`lt`,`lte`,`in`,`nin`,`exists`,`regex`,`contains`];function qn(e,t){if(e===`exists`)return t.trim()!==`false`;if(e===`regex`||e===`contains`)return t;try{return JSON.parse(t)}catch{return t}}function Jn(e){let[t,n]=R(null),[r,i]=R(null),[a,o]=R(null),[s,c]=R(``),[l,u]=R(`VIEWER`),[d,f]=R([]),[p,m]=R({field:``,op:`eq`,value:``}),[h,g]=R(``),_=()=>U(nt,{dataset:e.dataset}).then(e=>n(e.shares)).catch(e=>i(e.message));z(()=>{_()},[e.dataset]);let v=async t=>{if(t.preventDefault(),i(null),o(null),!s.trim()){i(`Name the partner team to share with.`);return}let n=p.value;try{n=JSON.parse(p.value)}catch{}try{let t=await U(rt,{input:{dataset:e.dataset,team:s.trim(),role:l,fields:d.length?d:null,rowFilter:p.field?[{field:p.field,op:p.op,value:n}]:null,expiresAt:h?new Date(h+`T23:59:59Z`).toISOString():null}});o(`Shared with ${t.shareDataset.team} as ${t.shareDataset.role}.`),_()}catch(e){i(e.message)}},y=async t=>{i(null),o(null);try{await U(it,{dataset:e.dataset,team:t}),o(`Share with ${t} revoked.`),_()}catch(e){i(e.message)}};return K(`section`,{"aria-labelledby":`share-h`,children:[K(`h2`,{id:`share-h`,children:`Sharing`}),t&&t.length===0&&K(`p`,{class:`hint`,children:`Not shared with any team.`}),t&&t.length>0&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Team`}),K(`th`,{scope:`col`,children:`Role`}),K(`th`,{scope:`col`,children:`Fields`}),K(`th`,{scope:`col`,children:`Rows`}),K(`th`,{scope:`col`,children:`Expires`}),K(`th`,{scope:`col`,children:K(`span`,{class:`sr-only`,children:`Actions`})})]})}),K(`tbody`,{children:t.map(e=>K(`tr`,{children:[K(`td`,{children:e.team}),K(`td`,{children:e.role}),K(`td`,{children:e.fields?.join(`, `)??`all`}),K(`td`,{children:e.rowFilter.length?e.rowFilter.map(e=>`${e.field} ${e.op} ${JSON.stringify(e.value)}`).join(` and `):`all`}),K(`td`,{children:e.expiresAt?`${new Date(e.expiresAt).toLocaleDateString()}${e.expired?` (expired)`:``}`:`never`}),K(`td`,{children:K(`button`,{type:`button`,onClick:()=>y(e.team),children:[`Revoke`,K(`span`,{class:`sr-only`,children:[` the share with `,e.team]})]})})]},e.team))})]}),K(`form`,{class:`share`,onSubmit:v,"aria-labelledby":`share-new-h`,children:[K(`h3`,{id:`share-new-h`,children:`Share with a team`}),K(`div`,{class:`row`,children:[K(`label`,{children:[`Team `,K(`input`,{"aria-label":`Team`,value:s,onInput:e=>c(e.target.value)})]}),K(`label`,{children:[`Role `,K(`select`,{"aria-label":`Role`,value:l,onChange:e=>u(e.target.value),children:[K(`option`,{value:`VIEWER`,children:`VIEWER`}),K(`option`,{value:`PARTNER`,children:`PARTNER`}),K(`option`,{value:`EDITOR`,children:`EDITOR`})]})]}),K(`label`,{children:[`Expires on `,K(`input`,{"aria-label":`Expires on`,type:`date`,value:h,onInput:e=>g(e.target.value)})]})]}),K(`fieldset`,{children:[K(`legend`,{children:`Fields (none ticked: all)`}),e.fields.map(e=>K(`label`,{class:`check`,children:[K(`input`,{type:`checkbox`,checked:d.includes(e),onChange:t=>f(t.target.checked?[...d,e]:d.filter(t=>t!==e))}),` `,e]},e))]}),K(`div`,{class:`row`,children:[K(`label`,{children:[`Rows where `,K(`select`,{"aria-label":`Rows where`,value:p.field,onChange:e=>m({...p,field:e.target.value}),children:[K(`option`,{value:``,children:`(all rows)`}),e.fields.map(e=>K(`option`,{children:e},e))]})]}),K(`label`,{children:[`Operator `,K(`select`,{"aria-label":`Operator`,value:p.op,onChange:e=>m({...p,op:e.target.value}),children:[`eq`,`ne`,`gt`,`gte`,`lt`,`lte`,`in`].map(e=>K(`option`,{children:e},e))})]}),K(`label`,{children:[`Row value `,K(`input`,{"aria-label":`Row value`,value:p.value,onInput:e=>m({...p,value:e.target.value})})]})]}),K(`button`,{type:`submit`,class:`primary`,children:`Share`}),a&&K(`p`,{role:`status`,class:`ok`,children:a}),r&&K(`p`,{role:`alert`,class:`error`,children:r})]})]})}var Yn=[`VIEWER`,`ANNOTATOR`,`EDITOR`,`OWNER`];function Xn(e){let[t,n]=R(e.me.team??``),[r,i]=R(null),[a,o]=R(null),[s,c]=R(null),[l,u]=R(``),[d,f]=R(`ANNOTATOR`),p=(e=t)=>{e&&U(at,{team:e}).then(e=>i(e.apiKeys)).catch(e=>o(e.message))};z(()=>{p()},[]);let m=async e=>{o(null),c(null);try{await e(),p()}catch(e){o(e.message)}};return K(`main`,{class:`page`,children:[K(`h1`,{children:`API keys`}),!e.me.team&&K(`form`,{class:`row`,onSubmit:e=>{e.preventDefault(),p()},children:[K(`label`,{children:[`Team `,K(`input`,{"aria-label":`Team`,value:t,onInput:e=>n(e.target.value)})]}),K(`button`,{type:`submit`,children:`Show keys`})]}),s&&K(`div`,{class:`banner info`,role:`status`,children:K(`span`,{children:[`New key `,K(`b`,{children:s.name}),`: `,K(`code`,{class:`secret`,children:s.secret}),` — copy it now, it is not shown again.`]})}),a&&K(`p`,{class:`error`,role:`alert`,children:a}),r&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Name`}),K(`th`,{scope:`col`,children:`Role`}),K(`th`,{scope:`col`,children:`Prefix`}),K(`th`,{scope:`col`,children:`Created`}),K(`th`,{scope:`col`,children:`Last used`}),K(`th`,{scope:`col`,children:`State`}),K(`th`,{scope:`col`,children:K(`span`,{class:`sr-only`,children:`Actions`})})]})}),K(`tbody`,{children:r.map(e=>K(`tr`,{children:[K(`td`,{children:e.name}),K(`td`,{children:e.role}),K(`td`,{children:K(`code`,{children:[e.prefix,`…`]})}),K(`td`,{children:new Date(e.createdAt).toLocaleDateString()}),K(`td`,{children:e.lastUsedAt?new Date(e.lastUsedAt).toLocaleString():`never`}),K(`td`,{children:e.revoked?`revoked`:e.expiresAt?`expires ${new Date(e.expiresAt).toLocaleDateString()}`:`active`}),K(`td`,{children:!e.revoked&&K(`div`,{class:`row`,children:[K(`button`,{type:`button`,onClick:()=>m(async()=>{let t=await U(st,{id:e.id});c({name:t.rotateApiKey.key.name,secret:t.rotateApiKey.secret})}),children:[`Rotate`,K(`span`,{class:`sr-only`,children:[` `,e.name]})]}),K(`button`,{type:`button`,onClick:()=>m(async()=>{await U(ct,{id:e.id})}),children:[`Revoke`,K(`span`,{class:`sr-only`,children:[` `,e.name]})]})]})})]},e.id))})]}),K(`form`,{class:`row`,onSubmit:e=>{e.preventDefault(),l.trim()?m(async()=>{let e=await U(ot,{input:{team:t,role:d,name:l.trim()}});c({name:e.createApiKey.key.name,secret:e.createApiKey.secret}),u(``)}):o(`Give the key a name (who or what uses it).`)},children:[K(`label`,{children:[`Key name `,K(`input`,{"aria-label":`Key name`,value:l,onInput:e=>u(e.target.value)})]}),K(`label`,{children:[`Key role `,K(`select`,{"aria-label":`Key role`,value:d,onChange:e=>f(e.target.value),children:Yn.map(e=>K(`option`,{children:e},e))})]}),K(`button`,{type:`submit`,class:`primary`,children:`Create key`})]})]})}var Zn=(e,t)=>new WebSocket(e,t);function Qn(e=location){return`${e.protocol===`https:`?`wss`:`ws`}://${e.host}/graphql`}function $n(e,t,n,r={}){let i=r.key===void 0?V():r.key,a=(r.socket??Zn)(r.url??Qn(),`graphql-transport-ws`),o=!1,s=e=>{if(!o){o=!0,e();try{a.close(1e3,`Normal Closure`)}catch{}}},c=e=>a.send(JSON.stringify(e));return a.onopen=()=>c({type:`connection_init`,payload:i?{Authorization:`Bearer ${i}`}:{}}),a.onmessage=r=>{if(o)return;let i;try{i=JSON.parse(String(r.data))}catch{return s(()=>n.error(new H(`The server sent a message that is not JSON.`,`INTERNAL`)))}switch(i.type){case`connection_ack`:c({id:`1`,type:`subscribe`,payload:{query:e.toString(),variables:t}});return;case`ping`:c({type:`pong`});return;case`next`:{if(i.id!==`1`)return;let e=i.payload;if(e.errors?.length)return s(()=>n.error(new H(e.errors[0].message,e.errors[0].extensions?.code??`INTERNAL`)));e.data&&n.next(e.data);return}case`error`:{if(i.id!==`1`)return;let e=Array.isArray(i.payload)?i.payload:[i.payload];return s(()=>n.error(new H(e[0]?.message??`The subscription failed.`,e[0]?.extensions?.code??`INTERNAL`)))}case`complete`:i.id===`1`&&s(()=>n.complete());return}},a.onclose=e=>s(()=>n.error(new H(`The live connection closed (${e.code}${e.reason?`: ${e.reason}`:``}).`,e.code===4401||e.code===4403?`UNAUTHENTICATED`:`UNAVAILABLE`))),a.onerror=()=>{},()=>s(()=>{try{c({id:`1`,type:`complete`})}catch{}})}var er=e=>e.status===`SUCCEEDED`||e.status===`FAILED`||e.status===`CANCELLED`;function tr(e,t,n,r={}){let i=!1,a,o=null,s=async()=>{if(!i)try{let c=await U(bt,{id:e});if(i)return;if(!c.job)return n(new H(`Job ${e} is gone, or you may not see it.`,`NOT_FOUND`));o=c.job,t(c.job,`poll`),er(c.job)||(a=setTimeout(s,r.pollMs??1e3))}catch(e){n(e)}},c=$n(xt,{id:e},{next:e=>{o=e.jobUpdated,i||t(e.jobUpdated,`live`)},complete:()=>{i||o&&er(o)||s()},error:e=>{i||(e.code===`UNAVAILABLE`||e.code===`INTERNAL`?s():n(e))}},{socket:r.socket});return()=>{i=!0,clearTimeout(a),c()}}var Z=e=>typeof e==`number`&&Number.isFinite(e);function nr(e){let t=e?.fields;return Array.isArray(t)?t.filter(e=>!!e&&typeof e==`object`&&typeof e.name==`string`&&Z(e.count)&&Z(e.nulls)).map(e=>({...e,nullRatio:Z(e.nullRatio)?e.nullRatio:e.count+e.nulls>0?e.nulls/(e.count+e.nulls):0,histogram:Array.isArray(e.histogram)?e.histogram.filter(e=>Z(e?.lo)&&Z(e?.hi)&&Z(e?.count)):void 0,top:Array.isArray(e.top)?e.top.filter(e=>e&&Z(e.count)):void 0})):[]}function rr(e){if(e<1024)return`${e} B`;let t=[`KB`,`MB`,`GB`,`TB`],n=e/1024,r=0;for(;n>=1024&&r<t.length-1;)n/=1024,r++;return`${n.toFixed(1)} ${t[r]}`}function ir(e){if(e===0)return`0%`;let t=e*100;return t<10?`${t.toFixed(1)}%`:`${Math.round(t)}%`}function ar(e){let t=e.toLowerCase().split(`.`).pop()??``;return t===`csv`||t===`tsv`?`CSV`:t===`ndjson`||t===`jsonl`?`NDJSON`:t===`json`?`JSON`:null}function or(e){return`${e.status.toLowerCase()}: ${((e,t)=>`${e} ${t}`)(e.read,e.read===1?`row read`:`rows read`)} from ${e.source} — ${e.inserted} inserted, ${e.updated} updated, ${e.unchanged} unchanged, ${e.rejected} rejected${e.read?` (${ir(e.rejected/e.read)})`:``}${e.datasetVersion==null?``:`; made version ${e.datasetVersion}`}.`}function sr(e){return[...(e.replace(/\.[^.]*$/,``)||e).replace(/[.$]/g,`-`)].slice(0,100).join(``)||`upload`}var cr=e=>e?new Date(e).toLocaleString():`—`;function lr(e){let[t,n]=R(null),[r,i]=R(null),[a,o]=R(null),[s,c]=R({}),[l,u]=R(null),[d,f]=R(null),[p,m]=R(null),h=Ce(null);z(()=>()=>h.current?.(),[]);let g=async t=>{try{let n=(await U(_t,{id:e.dataset,first:20,after:t})).dataset?.ingestions;if(!n)return;let r=n.edges.map(e=>e.node);o(null),i(e=>({list:t&&e?[...e.list,...r]:r,total:n.totalCount,next:n.pageInfo.hasNextPage?n.pageInfo.endCursor??null:null})),t||u(e=>e??r[0]?.id??null)}catch(e){o(e.message)}},_=async t=>{try{let r=(await U(ht,{id:e.dataset,first:20,after:t})).dataset?.versions;if(!r)return;let i=r.edges.map(e=>e.node);n(e=>({list:t&&e?[...e.list,...i]:i,total:r.totalCount,next:r.pageInfo.hasNextPage?r.pageInfo.endCursor??null:null}))}catch(e){f(e.message)}};z(()=>{_(null),g(null)},[e.dataset,e.rev]);let v=l?(e=>r?.list.find(t=>t.id===e))(l)??s[l]:void 0;z(()=>{l&&r&&!v&&U(gt,{id:l}).then(e=>{let t=e.ingestion;t&&c(e=>({...e,[t.id]:t}))}).catch(e=>f(e.message))},[l,r]);let y=async(t,n)=>{m({job:{id:t,kind:`ingest`,status:`QUEUED`,progress:0,error:null,errorCode:null,result:null,createdAt:new Date().toISOString(),startedAt:null,finishedAt:null,updatedAt:new Date().toISOString(),detail:{phase:null,rows:0,bytes:0,totalBytes:0,rowsPerSecond:0,message:null}},via:`live`,source:n}),g(null),h.current?.(),h.current=tr(t,(t,r)=>{if(m({job:t,via:r,source:n}),er(t)){h.current?.(),h.current=null;let n=t.result?.ingestion;n&&u(n),e.onIngested()}},e=>f(e.message))},x=r?.list??[];return K(b,{children:[d&&K(`p`,{class:`error`,role:`alert`,children:d}),e.canWrite&&K(pr,{dataset:e.dataset,onStarted:y,busy:!!p&&!er(p.job)}),p&&K(ur,{job:p.job,via:p.via,source:p.source}),K(`section`,{"aria-labelledby":`versions-h`,children:[K(`h2`,{id:`versions-h`,children:[`Versions `,t&&K(`small`,{children:[`(`,t.total,`)`]})]}),t&&t.list.length===0&&K(`p`,{class:`hint`,children:`No versions yet: nothing was ingested.`}),t&&t.list.length>0&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Version`}),K(`th`,{scope:`col`,children:`Committed`}),K(`th`,{scope:`col`,children:`Rows`}),K(`th`,{scope:`col`,children:`Ingestion`}),K(`th`,{scope:`col`,children:`Snapshot`}),K(`th`,{scope:`col`,children:`Size`}),K(`th`,{scope:`col`,children:`SHA-256`})]})}),K(`tbody`,{children:t.list.map(e=>K(`tr`,{children:[K(`td`,{children:[`v`,e.version]}),K(`td`,{children:cr(e.createdAt)}),K(`td`,{children:e.rows}),K(`td`,{children:e.ingestion?K(`button`,{type:`button`,class:`link`,"aria-pressed":l===e.ingestion,onClick:()=>u(e.ingestion),children:[e.ingestion,K(`span`,{class:`sr-only`,children:`: show its quality report`})]}):`—`}),K(`td`,{children:e.snapshot?.status??`none`}),K(`td`,{children:e.snapshot?.bytes==null?`—`:rr(e.snapshot.bytes)}),K(`td`,{children:e.snapshot?.sha256?K(`code`,{title:e.snapshot.sha256,"aria-label":`SHA-256 ${e.snapshot.sha256}`,children:[e.snapshot.sha256.slice(0,12),`…`]}):`—`})]},e.version))})]}),t?.next&&K(`button`,{type:`button`,onClick:()=>_(t.next),children:`More versions`})]}),K(`section`,{"aria-labelledby":`ingestions-h`,children:[K(`h2`,{id:`ingestions-h`,children:`Ingestions`}),a&&K(`p`,{class:`hint`,children:a}),r&&x.length===0&&K(`p`,{class:`hint`,children:`No ingestion to show.`}),x.length>0&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Ingestion`}),K(`th`,{scope:`col`,children:`Source`}),K(`th`,{scope:`col`,children:`Status`}),K(`th`,{scope:`col`,children:`Version`}),K(`th`,{scope:`col`,children:`Read`}),K(`th`,{scope:`col`,children:`Inserted`}),K(`th`,{scope:`col`,children:`Updated`}),K(`th`,{scope:`col`,children:`Unchanged`}),K(`th`,{scope:`col`,children:`Rejected`}),K(`th`,{scope:`col`,children:`Started`}),K(`th`,{scope:`col`,children:`Finished`})]})}),K(`tbody`,{children:x.map(e=>K(`tr`,{class:l===e.id?`sel`:void 0,children:[K(`td`,{children:K(`button`,{type:`button`,class:`link`,"aria-pressed":l===e.id,onClick:()=>u(e.id),children:[e.id,K(`span`,{class:`sr-only`,children:`: show its quality report`})]})}),K(`td`,{children:[e.source,` `,K(`small`,{children:[`(`,e.format,`, `,e.mode,`)`]})]}),K(`td`,{children:[e.status,e.failedChecks.length>0&&K(`small`,{title:e.failedChecks.join(`; `),children:[` (`,e.failedChecks.length,` failed `,e.failedChecks.length===1?`check`:`checks`,`)`]})]}),K(`td`,{children:e.datasetVersion==null?`—`:`v${e.datasetVersion}`}),K(`td`,{children:e.read}),K(`td`,{children:e.inserted}),K(`td`,{children:e.updated}),K(`td`,{children:e.unchanged}),K(`td`,{children:e.rejected}),K(`td`,{children:cr(e.createdAt)}),K(`td`,{children:cr(e.finishedAt)})]},e.id))})]}),r?.next&&K(`button`,{type:`button`,onClick:()=>g(r.next),children:`More ingestions`})]}),v&&K(mr,{ingestion:v},v.id)]})}function ur(e){let t=e.job,n=t.detail,r=er(t);return K(`section`,{"aria-labelledby":`job-h`,class:`jobprogress`,children:[K(`h2`,{id:`job-h`,children:[`Ingesting `,e.source]}),K(`progress`,{max:1,value:t.progress,"aria-label":`Progress of ingesting ${e.source}`}),K(`p`,{role:`status`,children:[t.status===`SUCCEEDED`?`Succeeded`:t.status===`FAILED`?`Failed: ${t.error??``}`:t.status===`CANCELLED`?`Cancelled`:t.status===`QUEUED`?`Queued`:`Running: ${n.phase??`starting`}`,` `,`· `,Math.round(t.progress*100),`% · `,n.rows,` rows`,n.totalBytes?` · ${rr(n.bytes)} of ${rr(n.totalBytes)}`:n.bytes?` · ${rr(n.bytes)}`:``,!r&&n.rowsPerSecond?` · ${Math.round(n.rowsPerSecond)} rows/s`:``,n.message?` · ${n.message}`:``]}),K(`p`,{class:`hint`,children:[e.via===`live`?`Live updates (jobUpdated over WebSocket).`:`Checked once a second (the live connection was not available).`,` Job `,t.id,`.`]})]})}var dr=[`CSV`,`NDJSON`,`JSON`],fr=[`UPSERT`,`INSERT`,`MERGE`];function pr(e){let[t,n]=R(null),[r,i]=R(`CSV`),[a,o]=R(``),[s,c]=R(`UPSERT`),[l,u]=R(`SKIP`),[d,f]=R(null);return K(`form`,{class:`share`,onSubmit:async n=>{if(n.preventDefault(),f(null),!t){f(`Choose a file to ingest.`);return}let i=a.trim()||sr(t.name);if(/[.$]/.test(i)||i.length>100)f(`A source name is 1-100 characters without "." or "$".`);else try{let n=await Ie(yt,{input:{dataset:e.dataset,source:i,format:r,mode:s,onError:l,file:null}},{"input.file":t});e.onStarted(n.ingest.id,i)}catch(e){f(e.message)}},"aria-labelledby":`add-h`,children:[K(`h2`,{id:`add-h`,children:`Add data`}),K(`div`,{class:`row`,children:[K(`label`,{children:[`File `,K(`input`,{type:`file`,"aria-label":`File`,accept:`.csv,.tsv,.txt,.json,.ndjson,.jsonl`,onChange:e=>{let t=e.target.files?.[0]??null;n(t),t&&(i(ar(t.name)??r),a||o(sr(t.name)))}})]}),K(`label`,{children:[`Format `,K(`select`,{"aria-label":`Format`,value:r,onChange:e=>i(e.target.value),children:dr.map(e=>K(`option`,{children:e},e))})]}),K(`label`,{children:[`Source name `,K(`input`,{"aria-label":`Source name`,value:a,onInput:e=>o(e.target.value)})]}),K(`label`,{children:[`Mode `,K(`select`,{"aria-label":`Mode`,value:s,onChange:e=>c(e.target.value),children:fr.map(e=>K(`option`,{children:e},e))})]}),K(`label`,{children:[`Bad rows `,K(`select`,{"aria-label":`Bad rows`,value:l,onChange:e=>u(e.target.value),children:[K(`option`,{value:`SKIP`,children:`reject and go on`}),K(`option`,{value:`STOP`,children:`stop the ingestion`})]})]})]}),K(`button`,{type:`submit`,class:`primary`,disabled:e.busy,children:`Ingest`}),d&&K(`p`,{role:`alert`,class:`error`,children:d})]})}function mr(e){let t=e.ingestion,n=nr(t.report),r=t.report?.rejectsByField??[];return K(`section`,{"aria-labelledby":`quality-h`,children:[K(`h2`,{id:`quality-h`,children:[`Quality report of `,t.id]}),K(`p`,{children:or(t)}),t.error&&K(`p`,{class:`error`,children:t.error}),t.failedChecks.length>0&&K(`ul`,{class:`error`,"aria-label":`Failed checks`,children:t.failedChecks.map(e=>K(`li`,{children:e},e))}),n.length===0&&K(`p`,{class:`hint`,children:`No field report (the ingestion wrote nothing, or it has not finished).`}),n.length>0&&K(`div`,{class:`scroll`,tabIndex:0,role:`region`,"aria-label":`Field report`,children:K(`table`,{class:`grid quality`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Field`}),K(`th`,{scope:`col`,children:`Type`}),K(`th`,{scope:`col`,children:`Values`}),K(`th`,{scope:`col`,children:`Nulls`}),K(`th`,{scope:`col`,children:`Distinct`}),K(`th`,{scope:`col`,children:`Min`}),K(`th`,{scope:`col`,children:`Mean`}),K(`th`,{scope:`col`,children:`Max`}),K(`th`,{scope:`col`,children:`Distribution`})]})}),K(`tbody`,{children:n.map(e=>K(`tr`,{children:[K(`th`,{scope:`row`,children:e.name}),K(`td`,{children:e.type}),K(`td`,{children:e.count}),K(`td`,{children:K(gr,{f:e})}),K(`td`,{children:[e.distinct,e.distinctExact?``:`+`]}),K(`td`,{children:Q(e.min)??e.minDate?.slice(0,10)??`—`}),K(`td`,{children:Q(e.mean)??`—`}),K(`td`,{children:Q(e.max)??e.maxDate?.slice(0,10)??`—`}),K(`td`,{children:K(_r,{f:e})})]},e.name))})]})}),r.length>0&&K(`p`,{class:`hint`,children:[`Rejects by field: `,r.map(e=>`${e.field} ${e.count}`).join(`, `),`.`]}),K(vr,{ingestion:t.id,total:t.rejected})]})}var hr=(e,t)=>{let n=[...e];return n.length>t?n.slice(0,t-1).join(``)+`…`:e},Q=e=>e==null?null:Math.abs(e)>=1e3||Number.isInteger(e)?String(Math.round(e*100)/100):e.toPrecision(4);function gr(e){let t=e.f.nullRatio;return K(`span`,{class:`nulls`,children:[K(`svg`,{width:`48`,height:`8`,"aria-hidden":`true`,class:`nullbar`,children:[K(`rect`,{width:`48`,height:`8`,fill:`#d0d7de`}),K(`rect`,{width:Math.max(+(t>0),48*t),height:`8`,fill:`#cf222e`})]}),` `,e.f.nulls,` (`,ir(t),`)`]})}function _r(e){let t=e.f;if(t.histogram&&t.histogram.length>0){let e=t.histogram,n=Math.max(1,...e.map(e=>e.count)),r=140/e.length,i=e.reduce((e,t)=>t.count>e.count?t:e);return K(`svg`,{class:`spark`,width:140,height:36,viewBox:`0 0 140 36`,role:`img`,"aria-label":`Histogram of ${t.name}: ${e.length} bins from ${Q(e[0].lo)} to ${Q(e[e.length-1].hi)}, the fullest ${Q(i.lo)} to ${Q(i.hi)} with ${i.count}`,children:e.map((e,t)=>{let i=e.count/n*34;return K(`rect`,{x:t*r+.5,y:36-i,width:r-1,height:i,fill:`#1f6feb`,children:K(`title`,{children:`${Q(e.lo)} – ${Q(e.hi)}: ${e.count}`})},t)})})}if(t.top&&t.top.length>0){let e=t.top.slice(0,5),n=Math.max(1,...e.map(e=>e.count));return K(`svg`,{class:`spark`,width:196,height:e.length*12,viewBox:`0 0 196 ${e.length*12}`,role:`img`,"aria-label":`Most common values of ${t.name}: ${e.map(e=>`${hr(String(e.value),40)} (${e.count})`).join(`, `)}`,children:e.map((e,t)=>K(`g`,{children:[K(`text`,{x:52,y:t*12+9,"text-anchor":`end`,"font-size":`10`,children:hr(String(e.value),9)}),K(`rect`,{x:56,y:t*12+2,width:Math.max(1,116*e.count/n),height:8,fill:`#8250df`}),K(`text`,{x:56+Math.max(1,116*e.count/n)+3,y:t*12+9,"font-size":`9`,children:e.count})]},t))})}return K(`span`,{class:`hint`,children:`—`})}function vr(e){let[t,n]=R(null),[r,i]=R(null),a=async t=>{try{let r=(await U(vt,{id:e.ingestion,first:20,after:t})).ingestion?.rejects;if(!r)return;n(e=>({list:t&&e?[...e.list,...r.edges.map(e=>e.node)]:r.edges.map(e=>e.node),total:r.totalCount,next:r.pageInfo.hasNextPage?r.pageInfo.endCursor??null:null}))}catch(e){i(e.message)}};return z(()=>{e.total>0&&a(null)},[e.ingestion,e.total]),K(b,{children:[K(`h3`,{id:`rejects-h`,children:[`Rejects `,K(`small`,{children:[`(`,e.total,`)`]})]}),r&&K(`p`,{class:`error`,role:`alert`,children:r}),e.total===0&&K(`p`,{class:`hint`,children:`No row was rejected.`}),t&&t.list.length>0&&K(`table`,{class:`grid rejects`,"aria-labelledby":`rejects-h`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Line`}),K(`th`,{scope:`col`,children:`Reasons`}),K(`th`,{scope:`col`,children:`Row as read`})]})}),K(`tbody`,{children:t.list.map(e=>K(`tr`,{children:[K(`td`,{children:e.line}),K(`td`,{children:K(`ul`,{class:`reasons`,children:e.reasons.map(e=>K(`li`,{children:e},e))})}),K(`td`,{children:e.raw==null?K(`span`,{class:`hint`,children:`not kept`}):K(`code`,{children:e.raw.length>200?e.raw.slice(0,200)+`…`:e.raw})})]},e.line))})]}),t?.next&&K(`button`,{type:`button`,onClick:()=>a(t.next),children:`More rejects`})]})}function yr(e){let[t,n]=R(null),[r,i]=R(null);return z(()=>{U(Ze).then(e=>n(e.datasets.edges.map(e=>e.node))).catch(e=>i(e.message))},[]),K(`main`,{class:`page`,children:[K(`h1`,{children:`Datasets`}),e.canCreate&&K(`p`,{children:K($,{href:`/studio/new-dataset`,class:`button`,children:`New dataset`})}),r&&K(`p`,{class:`error`,role:`alert`,children:r}),!t&&!r&&K(`p`,{children:`Loading…`}),t&&t.length===0&&K(`p`,{children:[`No datasets you may read`,e.canCreate?`: create one, then upload a file (CSV, NDJSON or JSON) on its page`:``,`.`]}),t&&t.length>0&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Dataset`}),K(`th`,{scope:`col`,children:`Name`}),K(`th`,{scope:`col`,children:`Team`}),K(`th`,{scope:`col`,children:`Version`}),K(`th`,{scope:`col`,children:`Documents`}),K(`th`,{scope:`col`,children:`Updated`})]})}),K(`tbody`,{children:t.map(e=>K(`tr`,{children:[K(`td`,{children:K($,{href:`/studio/datasets/${encodeURIComponent(e.id)}`,children:e.id})}),K(`td`,{children:e.name}),K(`td`,{children:e.team}),K(`td`,{children:e.version}),K(`td`,{children:e.documentCount}),K(`td`,{children:new Date(e.updatedAt).toLocaleString()})]},e.id))})]})]})}var br=[`eq`,`ne`,`gt`,`gte`,`lt`,`lte`,`contains`,`regex`,`exists`],xr=25;function Sr(e){return e==null?``:typeof e==`object`?JSON.stringify(e):String(e)}function Cr(e){let[t,n]=R(0),[r,i]=R(void 0),[a,o]=R(null),[s,c]=R(null),[l,u]=R({field:``,op:`eq`,value:``}),[d,f]=R(null),[p,m]=R(null),[h,g]=R([null]);z(()=>{U(Qe,{id:e.id}).then(e=>i(e.dataset??null)).catch(e=>c(e.message))},[e.id,t]);let _=async t=>{c(null);try{let n=await U($e,{dataset:e.id,first:xr,after:t,where:d&&d.field?[{field:d.field,op:d.op,value:qn(d.op,d.value)}]:null,orderBy:p?[{field:p.field,desc:p.desc}]:null});o(n.documents)}catch(e){c(e.message)}};if(z(()=>{g([null]),_(null)},[e.id,d,p,t]),r===void 0&&!s)return K(`main`,{class:`page`,children:K(`p`,{children:`Loading…`})});if(!r)return K(`main`,{class:`page`,children:[K(`h1`,{children:[`Dataset `,e.id]}),K(`p`,{class:`error`,role:`alert`,children:s??`There is no dataset ${e.id}, or you may not read it.`})]});let v=r.fields.map(e=>e.name),y=h.length;return K(`main`,{class:`page wide`,children:[K(`h1`,{children:[K($,{href:`/studio/datasets`,children:`Datasets`}),` / `,r.id]}),K(`p`,{children:[r.name,r.description?` — ${r.description}`:``,` · team `,K(`b`,{children:r.team}),` · version `,r.version,` · `,r.documentCount,` documents`,r.keyField?` · key ${r.keyField}`:``]}),K(`section`,{"aria-labelledby":`schema-h`,children:[K(`h2`,{id:`schema-h`,children:`Schema`}),K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Field`}),K(`th`,{scope:`col`,children:`Type`}),K(`th`,{scope:`col`,children:`Required`}),K(`th`,{scope:`col`,children:`Checks`}),K(`th`,{scope:`col`,children:`Sensitive`})]})}),K(`tbody`,{children:r.fields.map(e=>K(`tr`,{children:[K(`td`,{children:e.name}),K(`td`,{children:e.type}),K(`td`,{children:e.required?`yes`:``}),K(`td`,{children:[e.min!=null&&`≥ ${e.min}`,e.max!=null&&`≤ ${e.max}`,e.enum&&`one of ${e.enum.join(`, `)}`,e.pattern&&`matches ${e.pattern}`,e.unit&&`in ${e.unit}`].filter(Boolean).join(`; `)}),K(`td`,{children:e.sensitive?`sensitive`:``})]},e.name))})]})]}),K(lr,{dataset:r.id,canWrite:e.canWrite,rev:t,onIngested:()=>n(e=>e+1)}),e.canShare&&K(Jn,{dataset:r.id,fields:v}),K(`section`,{"aria-labelledby":`docs-h`,children:[K(`h2`,{id:`docs-h`,children:`Documents`}),K(`form`,{class:`row filter`,onSubmit:e=>{e.preventDefault(),f({...l})},children:[K(`label`,{children:[`Field `,K(`select`,{"aria-label":`Field`,value:l.field,onChange:e=>u({...l,field:e.target.value}),children:[K(`option`,{value:``,children:`(none)`}),v.map(e=>K(`option`,{children:e},e))]})]}),K(`label`,{children:[`Operator `,K(`select`,{"aria-label":`Operator`,value:l.op,onChange:e=>u({...l,op:e.target.value}),children:br.map(e=>K(`option`,{children:e},e))})]}),K(`label`,{children:[`Value `,K(`input`,{"aria-label":`Value`,value:l.value,onInput:e=>u({...l,value:e.target.value})})]}),K(`button`,{type:`submit`,children:`Filter`}),d&&K(`button`,{type:`button`,class:`link`,onClick:()=>{u({field:``,op:`eq`,value:``}),f(null)},children:`Clear filter`})]}),s&&K(`p`,{class:`error`,role:`alert`,children:s}),a&&K(b,{children:[K(`p`,{class:`hint`,children:[a.totalCount,` document`,a.totalCount===1?``:`s`,d?.field?a.totalCount===1?` matches`:` match`:``,` · page `,y]}),K(`div`,{class:`scroll`,tabIndex:0,role:`region`,"aria-label":`Documents table`,children:K(`table`,{class:`grid docs`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`key`}),v.map(e=>K(`th`,{scope:`col`,"aria-sort":p?.field===e?p.desc?`descending`:`ascending`:void 0,children:K(`button`,{type:`button`,class:`link`,onClick:()=>m(p?.field===e&&!p.desc?{field:e,desc:!0}:{field:e,desc:!1}),children:[e,p?.field===e?p.desc?` ▼`:` ▲`:``]})},e))]})}),K(`tbody`,{children:a.edges.map(({node:e})=>{let t=e.fields??{};return K(`tr`,{children:[K(`td`,{children:e.key}),v.map(e=>K(`td`,{children:Sr(t[e])},e))]},e.key)})})]})}),K(`div`,{class:`row`,children:[K(`button`,{type:`button`,disabled:y<=1,onClick:()=>{let e=h.slice(0,-1);g(e),_(e[e.length-1])},children:`Previous page`}),K(`button`,{type:`button`,disabled:!a.pageInfo.hasNextPage,onClick:()=>{let e=[...h,a.pageInfo.endCursor??null];g(e),_(e[e.length-1])},children:`Next page`})]})]})]})]})}var wr=50,Tr=[`actor`,`action`,`resource`,`decision`];function Er(){let[e,t]=R({actor:``,action:``,resource:``,decision:``}),[n,r]=R(e),[i,a]=R(null),[o,s]=R([null]),[c,l]=R(null),[u,d]=R(!1),[f,p]=R(null),m=async e=>{p(null);let t={};for(let e of Tr)n[e].trim()&&(t[e]=n[e].trim());try{a((await U(et,{where:t,first:wr,after:e})).auditLog)}catch(e){p(e.message)}};return z(()=>{s([null]),m(null)},[n]),K(`main`,{class:`page wide`,children:[K(`h1`,{children:`Audit log`}),K(`section`,{"aria-labelledby":`ver-h`,children:[K(`h2`,{id:`ver-h`,children:`Chain verification`}),K(`div`,{class:`row`,children:[K(`button`,{type:`button`,onClick:async()=>{d(!0);try{l((await U(tt)).verifyAudit)}catch(e){p(e.message)}finally{d(!1)}},disabled:u,children:u?`Verifying…`:`Verify the chain`}),c&&K(`p`,{role:`status`,class:c.ok?`ok`:`error`,children:[c.ok?`Intact: ${c.checked} records checked`:`Broken at record ${c.firstBrokenSeq??c.firstBadCheckpoint}`,c.signed?`, ${c.checkpoints} signed checkpoints`:`, no signed checkpoints`,c.checkpointProblem?` — ${c.checkpointProblem}`:``,`.`]})]})]}),K(`form`,{class:`row filter`,onSubmit:t=>{t.preventDefault(),r({...e})},children:[Tr.map(n=>K(`label`,{children:[n[0].toUpperCase()+n.slice(1),` `,K(`input`,{"aria-label":n[0].toUpperCase()+n.slice(1),value:e[n],onInput:r=>t({...e,[n]:r.target.value})})]},n)),K(`button`,{type:`submit`,children:`Filter`})]}),f&&K(`p`,{class:`error`,role:`alert`,children:f}),i&&K(b,{children:[K(`p`,{class:`hint`,children:[i.totalCount,` records · page `,o.length]}),K(`div`,{class:`scroll`,tabIndex:0,role:`region`,"aria-label":`Audit records`,children:K(`table`,{class:`grid docs`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Seq`}),K(`th`,{scope:`col`,children:`Time`}),K(`th`,{scope:`col`,children:`Actor`}),K(`th`,{scope:`col`,children:`Team`}),K(`th`,{scope:`col`,children:`Action`}),K(`th`,{scope:`col`,children:`Resource`}),K(`th`,{scope:`col`,children:`Decision`}),K(`th`,{scope:`col`,children:`Summary`})]})}),K(`tbody`,{children:i.edges.map(({node:e})=>K(`tr`,{class:e.decision===`deny`?`deny`:``,children:[K(`td`,{children:e.seq}),K(`td`,{children:new Date(e.at).toLocaleString()}),K(`td`,{children:e.actor}),K(`td`,{children:e.team??``}),K(`td`,{children:e.action}),K(`td`,{children:e.resource}),K(`td`,{children:e.decision}),K(`td`,{title:e.summary??``,children:e.summary??``})]},e.seq))})]})}),K(`div`,{class:`row`,children:[K(`button`,{type:`button`,disabled:o.length<=1,onClick:()=>{let e=o.slice(0,-1);s(e),m(e[e.length-1])},children:`Previous page`}),K(`button`,{type:`button`,disabled:!i.pageInfo.hasNextPage,onClick:()=>{let e=[...o,i.pageInfo.endCursor??null];s(e),m(e[e.length-1])},children:`Next page`})]})]})]})}function Dr(){let[e,t]=R(null),[n,r]=R(null);return z(()=>{U(lt).then(e=>t(e.models.edges.map(e=>e.node))).catch(e=>r(e.message))},[]),K(`main`,{class:`page`,children:[K(`h1`,{children:`Models`}),n&&K(`p`,{class:`error`,role:`alert`,children:n}),e&&e.length===0&&K(`p`,{children:`No models you may read.`}),e&&e.length>0&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Model`}),K(`th`,{scope:`col`,children:`Dataset`}),K(`th`,{scope:`col`,children:`Latest version`}),K(`th`,{scope:`col`,children:`Aliases`}),K(`th`,{scope:`col`,children:`Created`})]})}),K(`tbody`,{children:e.map(e=>K(`tr`,{children:[K(`td`,{children:K($,{href:`/studio/models/${encodeURIComponent(e.id)}`,children:e.id})}),K(`td`,{children:e.dataset}),K(`td`,{children:e.latestVersion}),K(`td`,{children:e.aliases.map(e=>`${e.alias} → v${e.version}`).join(`, `)}),K(`td`,{children:new Date(e.createdAt).toLocaleDateString()})]},e.id))})]})]})}var Or=e=>e==null?`—`:e.toFixed(3),kr=[[`rows`,`Rows`],[`accuracy`,`Accuracy`],[`precision`,`Precision`],[`recall`,`Recall`],[`f1`,`F1`],[`rocAuc`,`ROC AUC`],[`averagePrecision`,`Average precision`],[`logLoss`,`Log loss`],[`brier`,`Brier score`]];function Ar(e){let[t,n]=R(null),[r,i]=R(null);return z(()=>{let t=null;return fetch(`/artifacts/${encodeURIComponent(e.model)}/${e.version}/${e.name}.svg`,{headers:{Authorization:`Bearer ${V()}`}}).then(async e=>{if(!e.ok)throw Error(`${e.status}`);t=URL.createObjectURL(await e.blob()),n(t)}).catch(e=>i(`not available (${e.message})`)),()=>{t&&URL.revokeObjectURL(t)}},[e.model,e.version,e.name]),K(`figure`,{class:`plot`,children:[t?K(`img`,{src:t,alt:`${e.title} of ${e.model} version ${e.version}`}):K(`div`,{class:`hint`,children:r??`Loading…`}),K(`figcaption`,{children:e.title})]})}function jr(e){let t=[...e.coefs].sort((e,t)=>Math.abs(t.value)-Math.abs(e.value)).slice(0,30),n=Math.max(1e-9,...t.map(e=>Math.abs(e.value)));return K(`svg`,{class:`coefs`,viewBox:`0 0 560 ${t.length*18+4}`,width:560,height:t.length*18+4,role:`img`,"aria-label":`Coefficients, largest first: ${t.slice(0,5).map(e=>`${e.feature} ${e.value.toFixed(2)}`).join(`, `)}`,children:[K(`line`,{x1:370,x2:370,y1:0,y2:t.length*18,stroke:`#8c959f`}),t.map((e,t)=>{let r=Math.abs(e.value)/n*150;return K(`g`,{children:[K(`text`,{x:174,y:t*18+13,"text-anchor":`end`,"font-size":`12`,children:e.feature.length>26?e.feature.slice(0,25)+`…`:e.feature}),K(`rect`,{x:e.value>=0?370:370-r,y:t*18+3,width:Math.max(1,r),height:12,fill:e.value>=0?`#1f6feb`:`#cf222e`}),K(`text`,{x:e.value>=0?370+r+4:370-r-4,y:t*18+13,"text-anchor":e.value>=0?`start`:`end`,"font-size":`11`,children:e.value.toFixed(3)})]},e.feature)})]})}function Mr(e){let[t,n]=R(null),[r,i]=R(null),[a,o]=R(null),[s,c]=R({}),[l,u]=R(null),[d,f]=R(0);z(()=>{U(ut,{model:e.id,version:t}).then(i).catch(e=>o(e.message))},[e.id,t,d]);let p=r?.modelVersion;return!r&&!a?K(`main`,{class:`page`,children:K(`p`,{children:`Loading…`})}):p?K(`main`,{class:`page wide`,children:[K(`h1`,{children:[K($,{href:`/studio/models`,children:`Models`}),` / `,p.model,` · version `,p.version]}),K(`p`,{children:[K(`label`,{children:[`Version `,K(`select`,{value:p.version,onChange:e=>n(Number(e.target.value)),children:Array.from({length:r.model?.latestVersion??p.version},(e,t)=>t+1).reverse().map(e=>K(`option`,{value:e,children:[`v`,e]},e))})]}),` `,`· label `,K(`b`,{children:p.label}),p.positiveClass==null?null:K(b,{children:[` (positive: `,String(p.positiveClass),`)`]}),` · `,p.rows,` rows · aliases: `,p.aliases.length?p.aliases.join(`, `):`none`]}),K(`section`,{"aria-labelledby":`lineage-h`,children:[K(`h2`,{id:`lineage-h`,children:`Lineage`}),K(`dl`,{class:`lineage`,children:[K(`dt`,{children:`Dataset`}),K(`dd`,{children:[K($,{href:`/studio/datasets/${encodeURIComponent(p.dataset)}`,children:p.dataset}),`, version `,p.datasetVersion]}),K(`dt`,{children:`Snapshot`}),K(`dd`,{children:p.snapshotSha256?K(`code`,{title:p.snapshotSha256,children:[`sha256 `,p.snapshotSha256]}):`none (trained before snapshots)`}),K(`dt`,{children:`Trained`}),K(`dd`,{children:[new Date(p.createdAt).toLocaleString(),` by `,p.createdBy,` (job `,p.job,`)`]})]})]}),K(Nr,{model:p.model,version:p.version,latest:r.model?.latestVersion??p.version,aliases:r.model?.aliases??[],canWrite:e.canWrite,onChanged:()=>f(e=>e+1)}),p.warnings.length>0&&K(`ul`,{class:`error`,children:p.warnings.map(e=>K(`li`,{children:e},e))}),a&&K(`p`,{class:`error`,role:`alert`,children:a}),K(`section`,{"aria-labelledby":`met-h`,children:[K(`h2`,{id:`met-h`,children:`Metrics`}),K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Metric`}),K(`th`,{scope:`col`,children:`Train`}),K(`th`,{scope:`col`,children:`Test`})]})}),K(`tbody`,{children:kr.map(([e,t])=>K(`tr`,{children:[K(`td`,{children:t}),K(`td`,{children:e===`rows`?p.train.rows:Or(p.train[e])}),K(`td`,{children:p.test?e===`rows`?p.test.rows:Or(p.test[e]):`—`})]},e))})]})]}),K(`section`,{"aria-labelledby":`plots-h`,children:[K(`h2`,{id:`plots-h`,children:`Plots`}),K(`div`,{class:`plots`,children:[K(Ar,{model:p.model,version:p.version,name:`roc`,title:`ROC curve`}),K(Ar,{model:p.model,version:p.version,name:`pr`,title:`Precision-recall curve`}),K(Ar,{model:p.model,version:p.version,name:`calibration`,title:`Calibration`})]})]}),K(`div`,{class:`two`,children:[K(`section`,{"aria-labelledby":`coef-h`,children:[K(`h2`,{id:`coef-h`,children:`Coefficients`}),K(`p`,{class:`hint`,children:[`Intercept `,p.intercept.toFixed(3),`; in the model's input space (standardized numbers, one-hot categories).`]}),K(jr,{coefs:p.coefficients})]}),K(`section`,{"aria-labelledby":`pred-h`,children:[K(`h2`,{id:`pred-h`,children:`Predict`}),K(`form`,{onSubmit:async e=>{e.preventDefault(),o(null);let t={};for(let e of p.features){let n=(s[e]??``).trim();n!==``&&(t[e]=n!==``&&!Number.isNaN(Number(n))?Number(n):n===`true`||n===`false`?n===`true`:n)}try{u((await U(dt,{model:p.model,version:p.version,inputs:[t]})).predict[0])}catch(e){o(e.message)}},class:`predict`,children:[p.features.map(e=>K(`label`,{children:[e,` `,K(`input`,{"aria-label":e,value:s[e]??``,onInput:t=>c({...s,[e]:t.target.value})})]},e)),K(`button`,{type:`submit`,class:`primary`,children:`Predict`})]}),l&&K(`div`,{role:`status`,class:`prediction`,children:[l.error?K(`p`,{class:`error`,children:l.error}):K(`p`,{children:[`Probability `,K(`b`,{children:Or(l.probability)}),` · label `,K(`b`,{children:String(l.label)})]}),l.warnings.map(e=>K(`p`,{class:`hint`,children:e},e)),l.contributions&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Feature`}),K(`th`,{scope:`col`,children:`Contribution`})]})}),K(`tbody`,{children:[...l.contributions].sort((e,t)=>Math.abs(t.value)-Math.abs(e.value)).map(e=>K(`tr`,{children:[K(`td`,{children:e.feature}),K(`td`,{children:e.value.toFixed(3)})]},e.feature))})]})]})]})]})]}):K(`main`,{class:`page`,children:[K(`h1`,{children:[`Model `,e.id]}),K(`p`,{class:`error`,role:`alert`,children:a??`There is no model ${e.id}, or you may not read it.`})]})}function Nr(e){let[t,n]=R(``),[r,i]=R(e.version),[a,o]=R(null),[s,c]=R(null);z(()=>i(e.version),[e.version]);let l=async t=>{o(null),c(null);try{o(await t()),e.onChanged()}catch(e){c(e.message)}},u=(t,n)=>l(async()=>{let r=e.aliases.find(e=>e.alias===t);return await U(St,{model:e.model,alias:t,version:n}),r?`Moved ${t} from v${r.version} to v${n}.`:`Set ${t} to v${n}.`}),d=t=>l(async()=>(await U(Ct,{model:e.model,alias:t}),`Removed ${t}.`));return K(`section`,{"aria-labelledby":`alias-h`,children:[K(`h2`,{id:`alias-h`,children:`Aliases`}),e.aliases.length===0&&K(`p`,{class:`hint`,children:[`No alias points at a version of `,e.model,`.`]}),e.aliases.length>0&&K(`table`,{class:`grid`,children:[K(`thead`,{children:K(`tr`,{children:[K(`th`,{scope:`col`,children:`Alias`}),K(`th`,{scope:`col`,children:`Version`}),e.canWrite&&K(`th`,{scope:`col`,children:K(`span`,{class:`sr-only`,children:`Actions`})})]})}),K(`tbody`,{children:e.aliases.map(t=>K(`tr`,{children:[K(`td`,{children:t.alias}),K(`td`,{children:[`v`,t.version]}),e.canWrite&&K(`td`,{children:K(`div`,{class:`row`,children:[t.version!==e.version&&K(`button`,{type:`button`,onClick:()=>u(t.alias,e.version),children:[`Move`,K(`span`,{class:`sr-only`,children:[` `,t.alias]}),` to v`,e.version]}),K(`button`,{type:`button`,onClick:()=>d(t.alias),children:[`Remove`,K(`span`,{class:`sr-only`,children:[` `,t.alias]})]})]})})]},t.alias))})]}),e.canWrite&&K(`form`,{class:`row`,onSubmit:e=>{e.preventDefault();let i=t.trim();/^[a-z][a-z0-9_-]{0,31}$/.test(i)?u(i,r).then(()=>n(``)):(o(null),c(`An alias is 1-32 lower-case letters, digits, - or _, starting with a letter (e.g. production).`))},children:[K(`label`,{children:[`Alias `,K(`input`,{"aria-label":`Alias`,value:t,placeholder:`production`,onInput:e=>n(e.target.value)})]}),K(`label`,{children:[`Points at `,K(`select`,{"aria-label":`Points at`,value:r,onChange:e=>i(Number(e.target.value)),children:Array.from({length:e.latest},(t,n)=>e.latest-n).map(e=>K(`option`,{value:e,children:[`v`,e]},e))})]}),K(`button`,{type:`submit`,class:`primary`,children:`Set alias`})]}),a&&K(`p`,{role:`status`,class:`ok`,children:a}),s&&K(`p`,{role:`alert`,class:`error`,children:s})]})}var Pr=(function(){let e=typeof document<`u`&&document.createElement(`link`).relList;return e&&e.supports&&e.supports(`modulepreload`)?`modulepreload`:`preload`})(),Fr=function(e){return`/studio/`+e},Ir={},Lr={},Rr=function(e){return e.pathname.endsWith(`.css`)},zr=function(e,t,n){if(t in e)return e[t];let r=n();if(!r){e[t]=void 0;return}let i=r.then(()=>{e[t]=void 0},n=>{throw delete e[t],n});return e[t]=i,i},Br=function(e,t,n){let r=Promise.resolve();if(t&&t.length>0){let e,i=document.querySelector(`meta[property=csp-nonce]`),a=i?.nonce||i?.getAttribute(`nonce`);function o(e){return Promise.all(e.map(e=>Promise.resolve(e).then(e=>({status:`fulfilled`,value:e}),e=>({status:`rejected`,reason:e}))))}function s(e){return import.meta.resolve?new URL(import.meta.resolve(e)):new URL(e,import.meta.url)}r=o(t.map(t=>{t=Fr(t,n);let r=s(t),i=Rr(r);return zr(Ir,r.href,()=>{if(e===void 0){e={all:new Set,styles:new Set};let t=document.getElementsByTagName(`link`);for(let n=t.length-1;n>=0;n--){let r=t[n];e.all.add(r.href),r.rel===`stylesheet`&&e.styles.add(r.href)}}let t=i?e.styles:e.all,n=i?Lr[r.href]:void 0;if(!n&&t.has(r.href))return;let o=document.createElement(`link`);if(o.rel=i?`stylesheet`:Pr,i||(o.as=`script`),o.crossOrigin=``,o.href=r.href,a&&o.setAttribute(`nonce`,a),n&&delete Lr[r.href],n?.isConnected?n.replaceWith(o):document.head.appendChild(o),i)return new Promise((e,t)=>{let n=i=>{o.removeEventListener(`load`,n),o.removeEventListener(`error`,n),i.type===`error`?(Lr[r.href]=o,t(Error(`Unable to preload CSS for ${r}`))):e(i)};o.addEventListener(`load`,n),o.addEventListener(`error`,n)})})}).filter(e=>e!==void 0))}function i(e){let t=new Event(`vite:preloadError`,{cancelable:!0});if(t.payload=e,window.dispatchEvent(t),!t.defaultPrevented)throw e}return r.then(t=>{for(let e of t||[])e.status===`rejected`&&i(e.reason);return e().catch(i)})};function Vr(e){history.pushState(null,``,e),dispatchEvent(new PopStateEvent(`popstate`))}function $(e){return K(`a`,{href:e.href,class:e.class,onClick:t=>{t.ctrlKey||t.metaKey||t.shiftKey||t.button!==0||(t.preventDefault(),Vr(e.href))},children:e.children})}function Hr(e){let t=e.replace(/^\/studio/,``).replace(/\/+$/,``);if(t===``||t===`/tasks`)return{page:`tasks`};let n=/^\/tasks\/([^/]+)$/.exec(t);if(n)return{page:`task`,task:decodeURIComponent(n[1])};let r=/^\/tasks\/([^/]+)\/review$/.exec(t);if(r)return{page:`review`,task:decodeURIComponent(r[1])};if(t===`/datasets`)return{page:`datasets`};if(t===`/new-dataset`)return{page:`new-dataset`};if(t===`/new-task`)return{page:`new-task`};if(t===`/audit`)return{page:`audit`};if(t===`/keys`)return{page:`keys`};if(t===`/models`)return{page:`models`};let i=/^\/models\/([^/]+)$/.exec(t);if(i)return{page:`model`,id:decodeURIComponent(i[1])};let a=/^\/datasets\/([^/]+)$/.exec(t);return a?{page:`dataset`,id:decodeURIComponent(a[1])}:{page:`notfound`}}function Ur(e){let[t,n]=R(null),[r,i]=R(null);return z(()=>{e.load().then(e=>n(()=>e)).catch(e=>i(`This page could not be loaded (${e.message}): reload to try again.`))},[]),r?K(`main`,{class:`page`,children:K(`p`,{class:`error`,role:`alert`,children:r})}):t?K(t,{me:e.me}):K(`main`,{class:`page`,children:K(`p`,{children:`Loading…`})})}function Wr(){let[e,t]=R(location.pathname),[n,r]=R(null),[i,a]=R(!!V());z(()=>{let e=()=>t(location.pathname);return addEventListener(`popstate`,e),()=>removeEventListener(`popstate`,e)},[]),z(()=>{V()&&U(Ve).then(e=>{e.me.anonymous?(Pe(null),r(null)):r(e.me)}).catch(e=>{e instanceof H&&e.code===`UNAUTHENTICATED`&&Pe(null)}).finally(()=>a(!1))},[]);let o=()=>{Pe(null),r(null),Vr(`/studio/`)};if(i)return K(`main`,{class:`center`,children:K(`p`,{children:`Signing in…`})});if(!n)return K(jt,{onSignedIn:e=>r(e)});let s=q(n.role),c=Hr(/^\/studio\/?$/.test(e)?Lt(n.role):e);return K(b,{children:[K(`header`,{class:`top`,children:[K($,{href:`/studio/`,class:`brand`,children:`MMS Studio`}),K(`nav`,{"aria-label":`Main`,children:[s.tasks&&K($,{href:`/studio/tasks`,children:`Tasks`}),s.datasets&&K($,{href:`/studio/datasets`,children:`Datasets`}),s.models&&K($,{href:`/studio/models`,children:`Models`}),s.own&&K($,{href:`/studio/keys`,children:`API keys`}),s.audit&&K($,{href:`/studio/audit`,children:`Audit`})]}),K(`span`,{class:`who`,title:n.id,children:[n.team?`${n.team} · `:``,n.role??``]}),K(`button`,{type:`button`,class:`link`,onClick:o,children:`Sign out`})]}),c.page===`tasks`&&K(Rt,{me:n}),c.page===`new-task`&&K(Ur,{load:()=>Br(()=>import(`./newtask-DsEzhU6v.js`).then(e=>e.NewTask),__vite__mapDeps([0,1])),me:n}),c.page===`new-dataset`&&K(Ur,{load:()=>Br(()=>import(`./newdataset-VVilHuv1.js`).then(e=>e.NewDataset),[]),me:n}),c.page===`task`&&K(Sn,{task:c.task,me:n},c.task),c.page===`review`&&K(Gn,{task:c.task,me:n},c.task),c.page===`datasets`&&K(yr,{canCreate:s.write}),c.page===`dataset`&&K(Cr,{id:c.id,canShare:s.own,canWrite:s.write},c.id),c.page===`audit`&&K(Er,{}),c.page===`keys`&&K(Xn,{me:n}),c.page===`models`&&K(Dr,{}),c.page===`model`&&K(Mr,{id:c.id,canWrite:s.write},c.id),c.page===`notfound`&&K(`main`,{class:`page`,children:[K(`h1`,{children:`Not found`}),K(`p`,{children:[`No Studio page at `,e,`. `,K($,{href:`/studio/`,children:`Go to the start page`}),`.`]})]})]})}F(K(Wr,{}),document.getElementById(`app`));export{R as _,q as a,Dt as c,Ze as d,at as f,z as g,U as h,qn as i,Ot as l,wt as m,Vr as n,K as o,Et as p,Kn as r,Tt as s,$ as t,Qe as u,b as v};